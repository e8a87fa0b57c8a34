export { errorForResponse, looksLikeHtml, retryAfterMs, stripQuery } from './errors.js';
export { type HttpRequest, type HttpResult, HttpTransport, type HttpTransportOptions } from './transport.js';
