#!/usr/bin/env node
/**
 * Checks the relative links of the user-facing Markdown: README.md, docs/**, packages/* /README.md
 * and examples/* /README.md. Every relative link must point to an existing file or directory, and
 * every `#anchor` into a Markdown file must match one of its headings (GitHub's slugs) or an
 * explicit `<a id>`/`<a name>`. Root-absolute links (`/docs/x.md`) are refused: on GitHub they
 * leave the repository. External links (`https:`, `mailto:`) are not fetched.
 *
 * Usage: `node scripts/check-doc-links.mjs` from anywhere. Prints every broken link as
 * `file:line: target (why)` and exits 1 when there is one, else prints a count and exits 0.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Markdown files whose links are checked (generated API docs in docs/api are not). */
export function markdownFiles(base = root) {
  const files = [];
  const add = (path) => existsSync(path) && files.push(path);
  add(join(base, 'README.md'));
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && path !== join(base, 'docs', 'api')) walk(path);
      } else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(base, 'docs'));
  for (const parent of ['packages', 'examples']) {
    const dir = join(base, parent);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) add(join(dir, entry.name, 'README.md'));
    }
  }
  return files;
}

/** Replaces fenced code blocks and inline code spans with spaces, keeping line numbers intact. */
function withoutCode(text) {
  const lines = text.split('\n');
  let fence;
  const kept = lines.map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && marker) {
      fence = marker[1];
      return '';
    }
    if (fence !== undefined) {
      if (line.trim().startsWith(fence)) fence = undefined;
      return '';
    }
    return line;
  });
  return kept.join('\n').replace(/(`+)[^`\n]*?\1/g, (code) => ' '.repeat(code.length));
}

/** GitHub's heading slug (github-slugger): lowercase, punctuation removed, each space a hyphen. */
export function slugify(heading) {
  return heading
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/\*/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown text defines: heading slugs (with GitHub's `-1`, `-2` suffixes) and `<a id/name>`. */
export function anchorsOf(text) {
  const anchors = new Set();
  const counts = new Map();
  let fence;
  for (const line of text.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && marker) fence = marker[1];
    else if (fence !== undefined) {
      if (line.trim().startsWith(fence)) fence = undefined;
    } else {
      const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading) {
        const slug = slugify(heading[1]);
        const seen = counts.get(slug) ?? 0;
        counts.set(slug, seen + 1);
        anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
      }
    }
    for (const match of line.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g)) anchors.add(match[1]);
  }
  return anchors;
}

/** The link targets of a Markdown text with their line numbers: inline links, images, reference definitions. */
export function linksOf(text) {
  const links = [];
  withoutCode(text)
    .split('\n')
    .forEach((line, index) => {
      for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        links.push({ target: match[1], line: index + 1 });
      }
      const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
      if (definition) links.push({ target: definition[1], line: index + 1 });
      for (const match of line.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g)) {
        links.push({ target: match[1], line: index + 1 });
      }
    });
  return links;
}

/** Why `target`, linked from `file`, is broken; `undefined` when it resolves. */
export function checkLink(file, target, anchorCache = new Map()) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined;
  if (target.startsWith('/')) return 'root-absolute link: use a path relative to this file';
  const hashAt = target.indexOf('#');
  const pathPart = (hashAt < 0 ? target : target.slice(0, hashAt)).replace(/\?.*$/, '');
  const anchor = hashAt < 0 ? undefined : decodeURIComponent(target.slice(hashAt + 1));
  let path;
  try {
    path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
  } catch {
    return 'malformed percent-encoding';
  }
  if (!existsSync(path)) return 'no such file or directory';
  if (anchor === undefined || anchor === '' || !path.endsWith('.md') || statSync(path).isDirectory()) return undefined;
  let anchors = anchorCache.get(path);
  if (anchors === undefined) {
    anchors = anchorsOf(readFileSync(path, 'utf8'));
    anchorCache.set(path, anchors);
  }
  return anchors.has(anchor) ? undefined : `no heading with the anchor #${anchor}`;
}

/** Checks every file; returns the broken links. */
export function brokenLinks(files = markdownFiles()) {
  const broken = [];
  const cache = new Map();
  for (const file of files) {
    for (const { target, line } of linksOf(readFileSync(file, 'utf8'))) {
      const why = checkLink(file, target, cache);
      if (why !== undefined) broken.push({ file, line, target, why });
    }
  }
  return broken;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = markdownFiles();
  const broken = brokenLinks(files);
  for (const b of broken) console.error(`${relative(root, b.file)}:${b.line}: ${b.target} (${b.why})`);
  if (broken.length > 0) {
    console.error(`${broken.length} broken link(s) in ${files.length} Markdown files`);
    process.exit(1);
  }
  const count = files.reduce((n, f) => n + linksOf(readFileSync(f, 'utf8')).length, 0);
  console.log(`check-doc-links: ${count} links in ${files.length} Markdown files, none broken`);
}
