import { describe, expect, it } from 'vitest';
import { toIntent, toQueryLanguage } from '../../../src/core/commands/intent.ts';

describe('toIntent', () => {
  it.each([
    ['/paper sycophancy', { type: 'paper', query: 'sycophancy' }],
    ['/author Zac Hatfield-Dodds', { type: 'author', name: 'Zac Hatfield-Dodds' }],
    ['/author Amanda Askell vs Deep Ganguli', { type: 'compare', names: ['Amanda Askell', 'Deep Ganguli'] }],
    ['/more 12', { type: 'more', paperId: 12 }],
    ['/help', { type: 'help' }],
    ['/paper', { type: 'help', topic: 'paper' }],
    ['/frobnicate now', { type: 'unknown', text: '/frobnicate now' }],
    ['', { type: 'help' }],
    ['   ', { type: 'help' }],
  ])('reads the command %j', (text, intent) => expect(toIntent(text)).toEqual(intent));

  it.each([
    ['@paperboy help', { type: 'help' }],
    ['<@123456> help', { type: 'help' }],
    ['@paperboy who is Amanda Askell?', { type: 'author', name: 'Amanda Askell' }],
    ['tell me about Zac Hatfield-Dodds', { type: 'author', name: 'Zac Hatfield-Dodds' }],
    ['compare Amanda Askell and Deep Ganguli', { type: 'compare', names: ['Amanda Askell', 'Deep Ganguli'] }],
    [
      '@paperboy papers on reward hacking by Deep Ganguli since 2023',
      { type: 'paper', query: 'reward hacking since:2023 by:"Deep Ganguli"' },
    ],
    ['find papers about theory of mind with code', { type: 'paper', query: 'theory of mind has:code' }],
    ['latest papers on sycophancy in 2023', { type: 'paper', query: 'sycophancy year:2023' }],
    ['constitutional ai', { type: 'paper', query: 'constitutional ai' }],
  ])('maps the mention %j onto a command', (text, intent) => expect(toIntent(text)).toEqual(intent));
});

describe('toQueryLanguage', () => {
  it('keeps words that only look like filter words', () => {
    expect(toQueryLanguage('learning from human feedback')).toBe('learning from human feedback');
  });
});
