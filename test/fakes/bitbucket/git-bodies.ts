import type { TestCommit } from '../git/repository.js';
import { branchBody, exampleCommit, type SeedRepository } from './bodies.js';

type Json = Record<string, any>;

/** Bitbucket's timestamps: seconds, with a `+00:00` offset (as in the swagger examples). */
export function bitbucketDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * A `commit` (GET …/commit/{commit}, and a branch's or tag's `target`): the swagger example's commit, filled
 * with a real git commit. The author is git's raw "Name <email>" with no `user`, as Bitbucket answers for an
 * email that belongs to no account; the message keeps git's trailing newline (the example's is "wip\n").
 */
export function commitBody(commit: TestCommit, repo: SeedRepository, api: string, web: string): Json {
  const body = exampleCommit();
  const fullName = `${repo.workspace}/${repo.slug}`;
  const commitLinks = (hash: string) => ({ self: { href: `${api}/repositories/${fullName}/commit/${hash}` }, html: { href: `${web}/${fullName}/commits/${hash}` } });
  const message = `${commit.message}\n`;
  return {
    ...body,
    type: 'commit',
    hash: commit.sha,
    date: bitbucketDate(commit.committedAt),
    author: { type: 'author', raw: `${commit.authorName} <${commit.authorEmail}>` },
    message,
    summary: { type: 'rendered', raw: message, markup: 'markdown', html: `<p>${escapeHtml(commit.message)}</p>` },
    parents: commit.parents.map((hash) => ({ type: 'commit', hash, links: commitLinks(hash) })),
    links: {
      ...commitLinks(commit.sha),
      comments: { href: `${api}/repositories/${fullName}/commit/${commit.sha}/comments` },
      patch: { href: `${api}/repositories/${fullName}/patch/${commit.sha}` },
      diff: { href: `${api}/repositories/${fullName}/diff/${commit.sha}` },
      approve: { href: `${api}/repositories/${fullName}/commit/${commit.sha}/approve` },
      statuses: { href: `${api}/repositories/${fullName}/commit/${commit.sha}/statuses` },
    },
    repository: { ...body.repository, full_name: fullName, name: repo.name, uuid: repo.uuid, links: { self: { href: `${api}/repositories/${fullName}` }, html: { href: `${web}/${fullName}` } } },
    participants: [],
  };
}

/** A `branch` of a git repository: the swagger example's shape, targeting the real commit. */
export function gitBranchBody(name: string, commit: TestCommit, repo: SeedRepository, api: string, web: string): Json {
  const body = branchBody({ name, hash: commit.sha, date: bitbucketDate(commit.committedAt) }, repo, api, web);
  body.target = commitBody(commit, repo, api, web);
  return body;
}

/**
 * A `tag` (GET …/refs/tags/{name}), shaped as the spec's example of that operation. The test repositories
 * make lightweight tags, which carry no tagger, date or message of their own ("if available", says the spec).
 */
export function tagBody(name: string, commit: TestCommit, repo: SeedRepository, api: string, web: string): Json {
  const fullName = `${repo.workspace}/${repo.slug}`;
  return {
    type: 'tag',
    name,
    links: {
      commits: { href: `${api}/repositories/${fullName}/commits/${name}` },
      self: { href: `${api}/repositories/${fullName}/refs/tags/${name}` },
      html: { href: `${web}/${fullName}/commits/tag/${name}` },
    },
    tagger: null,
    date: null,
    message: null,
    target: commitBody(commit, repo, api, web),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
