#!/usr/bin/env node
// The `qoltanba` command (package.json "bin"): loads the TypeScript CLI through tsx, so the
// server and its tools run from source with no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../server/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
