/**
 * Why an auth operation was refused; the HTTP layer maps `kind` to a status code and sends
 * `code` (src/lib/shared/error-codes.ts) when there is a more specific one than the status's.
 */
export class AuthError extends Error {
  constructor(
    readonly kind: 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'gone',
    message: string,
    readonly code?: string
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
