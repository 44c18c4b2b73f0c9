/**
 * An error the sandbox answers with, shaped like the AWS error of the same code so the SDK
 * deserializes it into the matching exception class (e.g. `InvalidParameterException`).
 */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; AWS answers client errors with 400 and its own failures with 500. */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function awsError(code: string, message: string, status = 400): SandboxError {
  return new SandboxError(code, message, status);
}

/**
 * Turns anything thrown by a handler or returned by a fault hook into the error the client sees:
 * a SandboxError keeps its code; anything else is a sandbox failure (HTTP 500, which the SDK retries).
 */
export function toSandboxError(error: unknown): SandboxError {
  if (error instanceof SandboxError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SandboxError('InternalFailure', message, 500);
}

/**
 * Turns an error a fault hook returned into the error the client sees: a SandboxError as it is; an Error
 * whose name was set (e.g. `AccessDeniedException`) as that code; a plain Error as a sandbox failure.
 */
export function faultError(error: Error): SandboxError {
  if (error instanceof SandboxError || error.name === 'Error') return toSandboxError(error);
  return new SandboxError(error.name, error.message);
}
