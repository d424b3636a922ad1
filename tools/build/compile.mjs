// Compiles one app and every lib into dist/<app>/, mirroring the source tree inside it so that
// the @parchee/* path aliases, which swc rewrites into relative imports, still resolve. Each app's
// output is self-contained, so Nx can cache and restore it as one folder.
import { transformFile } from '@swc/core';
import { readFileSync, mkdirSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const project = process.argv[2];
if (!project) {
  process.stderr.write('usage: node tools/build/compile.mjs <projectRoot>\n');
  process.exit(2);
}
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
// The @parchee/* aliases come from tsconfig.base.json, their one home: a second list here once
// missed a new lib, and its import silently matched the `@parchee/*/testing` pattern instead.
const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const skip = /\.(spec|int-spec|e2e-spec|cluster-spec)\.ts$|\.d\.ts$/;

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) yield* sources(file);
    else if (name.endsWith('.ts') && !skip.test(name)) yield file;
  }
}

const dirs = [join(root, project, 'src'), ...readdirSync(join(root, 'libs')).map((l) => join(root, 'libs', l, 'src'))];
let count = 0;
for (const dir of dirs) {
  for (const file of sources(dir)) {
    const { exclude: _ignored, $schema: _s, ...options } = swcrc;
    const out = await transformFile(file, {
      ...options,
      jsc: { ...options.jsc, baseUrl: root, paths },
      filename: file,
      sourceFileName: relative(root, file),
      swcrc: false,
    });
    const target = join(root, 'dist', project, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.code + `\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (out.map) writeFileSync(`${target}.map`, out.map);
    count++;
  }
}
process.stdout.write(`compiled ${count} files of ${project} and libs into dist/${project}/\n`);
