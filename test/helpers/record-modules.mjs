// Loaded with `node --import`: records the URL of every module the process resolves (ES imports of packages
// and files) in the file named by PAPERBOY_RECORD_MODULES, one a line, so a test sees what a command loaded.
import { register } from 'node:module';

register('./record-modules-hook.mjs', import.meta.url);
