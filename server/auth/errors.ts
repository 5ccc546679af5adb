/** Why an auth operation was refused; the HTTP layer maps `kind` to a status code. */
export class AuthError extends Error {
  constructor(
    readonly kind: 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'gone',
    message: string
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

