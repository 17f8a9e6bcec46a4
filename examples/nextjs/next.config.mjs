/** @type {import('next').NextConfig} */
const nextConfig = {
  // Next rewrites the tsconfig it uses (jsx: preserve…); keep that apart from the one tsc and the
  // tests use, which compiles JSX itself.
  typescript: { tsconfigPath: './tsconfig.next.json' },
  // The workspace packages ship ESM + types; let Next compile them like app code.
  transpilePackages: ['@x/openai-capi-browser', '@x/openai-capi-node', '@x/openai-capi-core'],
};

export default nextConfig;
