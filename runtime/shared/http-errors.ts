/**
 * HTTP-class errors shared by the host side ($throw, $repos 404s, cache 503s).
 * Names follow the NestJS exception classes Enfyra raises, so logs and
 * fixtures read the same as in production.
 */
export const HTTP_ERROR_NAMES = {
  400: 'BadRequestException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  409: 'ConflictException',
  422: 'UnprocessableEntityException',
  429: 'TooManyRequestsException',
  500: 'InternalServerErrorException',
  503: 'ServiceUnavailableException',
} as const;

export type HttpStatus = keyof typeof HTTP_ERROR_NAMES;

export const THROWABLE_STATUSES = Object.keys(HTTP_ERROR_NAMES).map(Number) as HttpStatus[];

export function httpErrorName(status: number): string {
  return (HTTP_ERROR_NAMES as Record<number, string>)[status] ?? 'HttpException';
}

/** An error that carries an HTTP status; crosses the bridge with name, message and status intact. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly details: unknown[];

  constructor(statusCode: number, message: string, details: unknown[] = []) {
    super(message);
    this.statusCode = statusCode;
    this.details = details;
    this.name = httpErrorName(statusCode);
  }
}
