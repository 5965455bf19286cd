import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

const HEALTH_ROUTES = new Set(['/healthz', '/readyz']);

/**
 * One line per API request: method, matched route, status, duration. Deliberately no IP,
 * no headers and no query string (tokens and personal data can travel in either).
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      // Probes arrive every few seconds: at info they would drown the lines people read.
      const level = HEALTH_ROUTES.has(route) ? 'debug' : 'info';
      logger[level]({ category: 'http', method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
