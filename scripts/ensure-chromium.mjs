// Makes sure Debian's Chromium is present for the real-browser tests, so `pnpm test` needs nothing
// typed before it. Installs it with apt-get when running as root on Debian; otherwise explains.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`[openai-capi] ${CHROMIUM} is missing: installing Debian's chromium for the browser tests…`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.warn(
      `[openai-capi] ${CHROMIUM} not found and cannot be installed here (needs root + apt-get).\n` +
        '  The real-browser tests will fail. Install Chromium (Debian: apt-get install chromium)\n' +
        '  or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
}
