// The benchmark's HTTP server, run as a child process by server.mjs (see there).
const { createServer } = require('node:http');
const { gunzipSync } = require('node:zlib');

const MARKER = process.argv[2];
let totals = { events: 0, requests: 0, bytes: 0, rawBytes: 0 };
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    totals.requests++;
    totals.bytes += body.length;
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    totals.rawBytes += body.length;
    const text = body.toString('latin1');
    for (let i = text.indexOf(MARKER); i !== -1; i = text.indexOf(MARKER, i + 1)) totals.events++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'take') {
    process.send(totals);
    totals = { events: 0, requests: 0, bytes: 0, rawBytes: 0 };
  }
});
process.on('disconnect', () => process.exit(0));
