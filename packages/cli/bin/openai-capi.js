#!/usr/bin/env node
// The `openai-capi` bin. This launcher is committed (dist/ is not) so that the bin exists when
// pnpm or npm links it at install time, before any build; it runs the built CLI.
import '../dist/cli.js';
