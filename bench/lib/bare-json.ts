import { createServer } from 'node:http';

/** The ceiling for JSON reads: a bare Node http server answering a fixed body of BODY_BYTES, nothing else. */
const port = Number(process.env.PORT);
const body = Buffer.from(JSON.stringify({ packages: 'x'.repeat(Math.max(0, Number(process.env.BODY_BYTES ?? 1000) - 20)) }));
createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) });
  res.end(body);
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
