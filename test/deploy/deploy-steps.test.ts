import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const GUIDE = readFileSync(join(PROJECT_ROOT, 'docs', 'deploying.md'), 'utf8');
const UNIT = join(PROJECT_ROOT, 'deploy', 'paperboy.service');

/** The first ```sh block after a heading of docs/deploying.md, as lines. */
function shellBlock(heading: string): string[] {
  const at = GUIDE.indexOf(`\n${heading}\n`);
  const block = /```sh\n([\s\S]*?)```/.exec(GUIDE.slice(at));
  if (at < 0 || !block) throw new Error(`docs/deploying.md has no sh block under ${heading}`);
  return (block[1] as string).split('\n').filter((l) => l.trim() !== '');
}

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('R4: the deploy steps run as written', () => {
  const tempDir = useTempDir();

  /**
   * The steps of "Install" and the cron line of "Backups", run in bash with the server's folders mapped into a
   * temporary one. Left aside: creating the user and owning files (`useradd`, `-o paperboy -g paperboy`,
   * `sudo -u paperboy`: the test is not root on a server), cloning and installing (the checkout is this one, linked
   * in), and installing the unit into systemd (checked with `systemd-analyze verify` below).
   */
  function runSteps() {
    const root = tempDir();
    const install = join(root, 'opt', 'paperboy');
    const data = join(root, 'var', 'lib', 'paperboy');
    const backups = join(root, 'var', 'backups', 'paperboy');
    mkdirSync(join(install, 'deploy'), { recursive: true });
    mkdirSync(join(root, 'var', 'backups'), { recursive: true });
    for (const name of ['bin', 'src', 'node_modules', 'package.json', 'data'])
      symlinkSync(join(PROJECT_ROOT, name), join(install, name));
    const map = (text: string) =>
      text
        .replaceAll('/opt/paperboy', install)
        .replaceAll('/var/lib/paperboy', data)
        .replaceAll('/var/backups/paperboy', backups);
    // The settings template as the checkout has it, with the server's paths mapped.
    writeFileSync(
      join(install, 'deploy', 'paperboy.env'),
      map(readFileSync(join(PROJECT_ROOT, 'deploy', 'paperboy.env'), 'utf8')),
    );
    const skipped: string[] = [];
    const script: string[] = ['set -euo pipefail'];
    const steps = [...shellBlock('## Install'), ...shellBlock('## Backups')];
    for (const step of steps) {
      if (/^(useradd|git clone|systemctl)\b|npm ci|systemd\/system/.test(step.replace(/^cd \S+ && /, ''))) {
        skipped.push(step);
        continue;
      }
      const line = map(step)
        .replace(/^(?:\S+ ){5}(?=cd )/, '') // a crontab line: the schedule goes, the command runs now
        .replaceAll('\\%', '%')
        .replaceAll('sudo -u paperboy ', '')
        .replaceAll(' -o paperboy -g paperboy', '')
        .replaceAll('npx paperboy', 'node bin/paperboy.js');
      script.push(line);
      // Before the backup the service has run: an operator loads the sample in the install folder, as it would.
      if (/paperboy\.js doctor/.test(line))
        script.push(`node bin/paperboy.js ingest data/profiles --json > ${root}/ingest.json`);
    }
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(PAPERBOY_|DATABASE_URL|PORT$|DISCORD_|SLACK_|ARXIV_|LOG_)/.test(k),
      ),
    );
    const run = spawnSync('bash', ['-c', script.join('\n')], { cwd: root, env, encoding: 'utf8' });
    return { root, install, data, backups, skipped, script, run };
  }

  it('R4: the .env of the install folder holds PAPERBOY_DB (mode 600); doctor, ingest and the cron backup act on the service database', () => {
    const { root, install, data, backups, skipped, script, run } = runSteps();
    expect(run.status, `${script.join('\n')}\n${run.stdout}\n${run.stderr}`).toBe(0);
    expect(skipped.some((s) => s.startsWith('useradd'))).toBe(true);
    const env = readFileSync(join(install, '.env'), 'utf8');
    expect(env).toContain(`PAPERBOY_DB=${data}/paperboy.db`);
    expect(statSync(join(install, '.env')).mode & 0o777).toBe(0o600);
    expect(statSync(data).mode & 0o777).toBe(0o750);
    // doctor ran in the install folder and looked at the service's database (not there yet: a warning).
    expect(run.stdout).toMatch(new RegExp(`database\\s+.*${data.replaceAll('/', '\\/')}/paperboy\\.db`));
    expect(statSync(join(data, 'paperboy.db')).size).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(root, 'ingest.json'), 'utf8')).totals.papers).toBe(18);
    // The cron line's backup, of that database.
    const [copy] = execFileSync('ls', [backups], { encoding: 'utf8' }).split('\n');
    expect(copy).toMatch(/^paperboy-\d\.db$/);
    expect(statSync(join(backups, copy as string)).size).toBeGreaterThan(0);
  });

  it.skipIf(!hasSystemdAnalyze)('R4: systemd-analyze verify accepts the unit', () => {
    const dir = tempDir();
    const unit = join(dir, 'paperboy.service');
    // `verify` also checks that User= exists: on a machine without the paperboy user, verify it as root.
    writeFileSync(unit, readFileSync(UNIT, 'utf8').replace(/^(User|Group)=paperboy$/gm, '$1=root'));
    const run = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/paperboy\.service:\d+:/);
    expect(readFileSync(UNIT, 'utf8')).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(readFileSync(UNIT, 'utf8')).toMatch(/^WorkingDirectory=\/opt\/paperboy$/m);
    expect(readFileSync(UNIT, 'utf8')).not.toMatch(/EnvironmentFile|PAPERBOY_DB/);
  });
  if (!hasSystemdAnalyze) it.skip('systemd-analyze verify: systemd-analyze is not installed here', () => {});
});
