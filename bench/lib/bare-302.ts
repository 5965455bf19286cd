import { createServer } from 'node:http';

/** The ceiling: a bare Node http server answering a fixed 302, nothing else. */
const port = Number(process.env.PORT);
createServer((_req, res) => {
  res.writeHead(302, { Location: 'https://example.com/landing', 'Cache-Control': 'private, max-age=0', 'Content-Length': '0' });
  res.end();
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
