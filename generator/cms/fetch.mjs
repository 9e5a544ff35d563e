// fetch.mjs puts the pinned Decap CMS release (decap.json) in decap/, for
// make cms and the browser test: npm fetches the package, and nothing is
// kept unless the package has the hash npm's registry gave it when it was
// pinned and its script has the hash the built /admin/ asks the browser to
// check (generator/internal/site/cms.go, which a Go test holds to this file).
//
// To move to a new release: set version, run `npm view decap-cms@V dist.integrity`
// for tarball_sha512, run this script (it prints the script's hash when it
// differs) and copy that into script_sha384 and site.DecapIntegrity.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const pin = JSON.parse(readFileSync(join(here, 'decap.json'), 'utf8'));
const out = join(here, 'decap');
const tmp = mkdtempSync(join(here, '.fetch-')); // beside decap/, so that the last step is a rename
const hash = (alg, file) => `${alg}-${createHash(alg).update(readFileSync(file)).digest('base64')}`;
try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', `decap-cms@${pin.version}`, '--json', '--pack-destination', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const tarball = join(tmp, packed.filename);
  const got = hash('sha512', tarball);
  if (got !== pin.tarball_sha512) throw new Error(`decap-cms@${pin.version} from npm has hash ${got}, not the pinned ${pin.tarball_sha512}: nothing kept`);
  const unpacked = join(tmp, 'dist');
  mkdirSync(unpacked);
  // Only the bundled scripts: the main one and the parts it loads when needed.
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=2', '--wildcards', 'package/dist/*decap-cms.js']);
  const script = hash('sha384', join(unpacked, 'decap-cms.js'));
  if (script !== pin.script_sha384) throw new Error(`dist/decap-cms.js of decap-cms@${pin.version} has hash ${script}, not decap.json's script_sha384 ${pin.script_sha384}`);
  writeFileSync(join(unpacked, 'VERSION'), pin.version + '\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(unpacked, out);
  console.log(`decap-cms@${pin.version} in ${out} (hashes checked)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
