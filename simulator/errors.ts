/** Error bodies in Brightcove's shape: a JSON array of {error_code, message[, request_id]}. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The body every expired, unknown or stale token gets (cms-error_401-unauthorized sample). */
export const unauthorized = () => new ApiError(401, 'UNAUTHORIZED', 'Permission denied.');

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);

export function errorBody(error: ApiError, requestId?: string): Array<Record<string, string>> {
  const entry: Record<string, string> = { error_code: error.errorCode, message: error.message };
  if (requestId !== undefined) entry.request_id = requestId;
  return [entry];
}
