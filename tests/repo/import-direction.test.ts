import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Imports follow the flow of a run (docs/architecture.md#layers-and-imports): `extract/` asks the
 * sources and lands what they return into the warehouse's storage (DuckDB access, atomic files, the
 * lake), so it may import `warehouse/`; `warehouse/` builds, checks and delivers what is landed and
 * never imports `extract/`. `config/` is read by both and imports neither. The simulator stands in for
 * Brightcove and shares no code with the pipeline. No module reaches itself again through the imports
 * a run executes (`import type` is erased before it runs, so it is left out of the cycle search).
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Each part of the code and the parts it may import (its own files always). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  config: [],
  warehouse: ['config'],
  extract: ['config', 'warehouse'],
  simulator: [],
  cli: ['config', 'extract', 'warehouse', 'simulator'],
  'pipeline.ts': ['cli', 'config'],
  bench: ['config', 'extract', 'warehouse', 'simulator'],
  tests: ['config', 'extract', 'warehouse', 'simulator', 'cli', 'pipeline.ts', 'bench'],
};

/**
 * Imports outside MAY_IMPORT that are allowed one by one, with the reason. `--demo` starts the
 * simulator in place of Brightcove: the extract command is where that choice is made.
 */
const ALLOWED_EXCEPTIONS: ReadonlyArray<{ from: string; to: string }> = [
  { from: 'extract/extract-command.ts', to: 'simulator/server.ts' },
];

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'data', 'bench-data', '.vitest-tmp']);

export interface ModuleImport {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`: erased before the code runs. */
  readonly typeOnly: boolean;
}

/** The repository-relative .ts files below `root` (not installed packages or data a run wrote). */
function typeScriptFiles(root: string, folder = root): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    if (SKIPPED_FOLDERS.has(name)) continue;
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...typeScriptFiles(root, path));
    else if (name.endsWith('.ts')) found.push(relative(root, path).split(sep).join('/'));
  }
  return found;
}

/** The relative imports of one file (static, dynamic `import()`, re-exports), as repository paths. */
export function importsOf(file: string, source: string): ModuleImport[] {
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const imports: ModuleImport[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    // `./x.js` names `./x.ts` under NodeNext resolution
    const to = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), specifier.text.replace(/\.js$/, '.ts'))).split(sep).join('/');
    imports.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(parsed);
  return imports;
}

const partOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : path);

/** The imports that break MAY_IMPORT, each as `from -> to`. */
export function forbiddenImports(imports: readonly ModuleImport[]): string[] {
  return imports
    .filter(({ from, to }) => {
      const [fromPart, toPart] = [partOf(from), partOf(to)];
      if (fromPart === toPart) return false;
      if (ALLOWED_EXCEPTIONS.some((allowed) => allowed.from === from && allowed.to === to)) return false;
      const allowed = MAY_IMPORT[fromPart];
      if (allowed === undefined) return true; // a new top-level part must first be given its place in the flow
      return !allowed.includes(toPart);
    })
    .map(({ from, to }) => `${from} -> ${to}`);
}

/** Every cycle of modules through imports that run (type-only imports left out), each as a list of files. */
export function importCycles(imports: readonly ModuleImport[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, to, typeOnly } of imports) {
    if (typeOnly) continue;
    edges.set(from, [...(edges.get(from) ?? []), to]);
  }
  // Tarjan's strongly connected components: a component of more than one module, or a module that imports itself, is a cycle.
  const order = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (module: string) => {
    order.set(module, order.size);
    lowest.set(module, order.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const next of edges.get(module) ?? []) {
      if (!order.has(next)) {
        visit(next);
        lowest.set(module, Math.min(lowest.get(module)!, lowest.get(next)!));
      } else if (onStack.has(next)) {
        lowest.set(module, Math.min(lowest.get(module)!, order.get(next)!));
      }
    }
    if (lowest.get(module) !== order.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1 || (edges.get(module) ?? []).includes(module)) cycles.push(component.sort());
  };
  for (const module of edges.keys()) if (!order.has(module)) visit(module);
  return cycles;
}

function repositoryImports(): ModuleImport[] {
  return typeScriptFiles(REPO_ROOT).flatMap((file) => importsOf(file, readFileSync(join(REPO_ROOT, file), 'utf8')));
}

describe('import direction', () => {
  const imports = repositoryImports();

  it('reads the imports it judges (warehouse → config and extract → warehouse are there to find)', () => {
    expect(imports.some(({ from, to }) => from === 'extract/land.ts' && to === 'warehouse/duckdb.ts')).toBe(true);
    expect(imports.some(({ from, to }) => from.startsWith('warehouse/') && to === 'config/load-config.ts')).toBe(true);
  });

  it('every import follows the flow: warehouse/ never imports extract/, config/ and simulator/ import no other part', () => {
    expect(forbiddenImports(imports)).toEqual([]);
  });

  it('every import resolves to a file (a moved module leaves no stale path behind)', () => {
    const missing = imports.filter(({ to }) => !existsSync(join(REPO_ROOT, to))).map(({ from, to }) => `${from} -> ${to}`);
    expect(missing).toEqual([]);
  });

  it('no module reaches itself again through the imports a run executes', () => {
    expect(importCycles(imports)).toEqual([]);
  });

  it('no SQL under extract/: sql/ and models/ hold all of it', () => {
    const sqlUnderExtract = readdirSync(join(REPO_ROOT, 'extract'), { recursive: true, encoding: 'utf8' }).filter((path) =>
      path.endsWith('.sql'),
    );
    expect(sqlUnderExtract).toEqual([]);
  });

  it('the rule catches a planted import of extract/ from warehouse/, static or dynamic, and a planted cycle', () => {
    const planted = [
      ...importsOf('warehouse/session.ts', `import { ingestEvents } from '../extract/events/ingest-events.ts';`),
      ...importsOf('warehouse/plan.ts', `const land = await import('../extract/land.ts');`),
      ...importsOf('config/load-config.ts', `export { todayUtc } from '../warehouse/session.ts';`),
    ];
    expect(forbiddenImports(planted)).toEqual([
      'warehouse/session.ts -> extract/events/ingest-events.ts',
      'warehouse/plan.ts -> extract/land.ts',
      'config/load-config.ts -> warehouse/session.ts',
    ]);
    const cycle = [
      ...importsOf('warehouse/a.ts', `import { b } from './b.ts';`),
      ...importsOf('warehouse/b.ts', `import { a } from './a.ts';`),
      ...importsOf('warehouse/c.ts', `import type { A } from './a.ts';`),
      ...importsOf('warehouse/a.ts', `import type { C } from './c.ts';`),
    ];
    expect(importCycles(cycle)).toEqual([['warehouse/a.ts', 'warehouse/b.ts']]);
  });
});
