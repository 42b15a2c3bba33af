// The JSON-lines protocol between an interop script and its Java test (JsScript): one command object a line on
// standard input, run one at a time in order, each answered by one object a line on standard output.
import { createInterface } from 'node:readline'

export function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

// Answers each command with { ok: true, ms, ...(await run(cmd)) }, or { ok: false, ms, error } when it throws.
// {"cmd":"stop"}, or the end of standard input, calls stop() and exits.
export function serve (run, stop) {
  let chain = Promise.resolve()
  createInterface({ input: process.stdin }).on('line', (line) => {
    chain = chain.then(async () => {
      const t0 = Date.now()
      try {
        const msg = JSON.parse(line)
        if (msg.cmd === 'stop') {
          await stop()
          out({ ok: true, ms: Date.now() - t0 })
          process.exit(0)
        }
        out({ ok: true, ms: Date.now() - t0, ...(await run(msg)) })
      } catch (err) {
        out({ ok: false, ms: Date.now() - t0, error: String(err?.message ?? err) })
      }
    })
  }).on('close', async () => {
    await chain
    await stop()
    process.exit(0)
  })
}
