import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const noFile = '/nonexistent/.env';
const messageOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env, noFile);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('the arXiv settings', () => {
  it("default to arXiv's own addresses, with arXiv off and no contact", () => {
    expect(loadConfig({}, noFile)).toMatchObject({
      ARXIV_FEED_URL: 'https://rss.arxiv.org/atom/',
      ARXIV_API_URL: 'https://export.arxiv.org/api/query',
      ARXIV_OAI_URL: 'https://oaipmh.arxiv.org/oai',
    });
    expect(loadConfig({}, noFile).PAPERBOY_ARXIV_CATEGORIES).toBeUndefined();
    expect(loadConfig({}, noFile).PAPERBOY_CONTACT).toBeUndefined();
  });

  it('read categories separated by commas, spaces or +, without repeats', () => {
    expect(
      loadConfig({ PAPERBOY_ARXIV_CATEGORIES: 'cs.CL, cs.LG+cs.CL hep-th' }, noFile).PAPERBOY_ARXIV_CATEGORIES,
    ).toEqual(['cs.CL', 'cs.LG', 'hep-th']);
  });

  it('name each bad value and how to fix it', () => {
    const message = messageOf({
      ARXIV_FEED_URL: 'rss.arxiv.org/atom',
      ARXIV_API_URL: 'file:///etc/passwd',
      PAPERBOY_ARXIV_CATEGORIES: 'cs.CL,CS CL!',
      PAPERBOY_CONTACT: 'not-an-address',
    });
    expect(message).toMatch(/http or https URL such as https:\/\/rss\.arxiv\.org\/atom\/\n\s*→ at ARXIV_FEED_URL/);
    expect(message).toMatch(/→ at ARXIV_API_URL/);
    expect(message).toMatch(
      /arXiv categories separated by commas, such as cs\.CL,cs\.LG\n\s*→ at PAPERBOY_ARXIV_CATEGORIES/,
    );
    expect(message).toMatch(/e-mail address[^\n]*\n\s*→ at PAPERBOY_CONTACT/);
  });
});
