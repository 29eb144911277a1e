import { OpenScaleError } from "../errors";

/**
 * A fault talking to an ML engine. Every subclass names the engine (its service type, or the binding's name)
 * and the URL that failed; none carries credentials.
 */
export class EngineError extends OpenScaleError {
  constructor(
    readonly engine: string,
    readonly url: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${engine} engine at ${url}: ${message}`, options);
  }
}

/** The engine refused the connection, or its host name does not resolve. */
export class EngineConnectionError extends EngineError {}

/** The engine did not answer within the timeout. */
export class EngineTimeoutError extends EngineError {}

/** The engine rejected the credentials (HTTP 401 or 403, or a failed token exchange). */
export class EngineAuthenticationError extends EngineError {}

/** The engine rejected the request (another 4xx): the message carries the engine's own reason. */
export class EngineRequestError extends EngineError {}

/** The engine failed (5xx, or SageMaker's 424 model error). */
export class EngineServerError extends EngineError {}

/** The engine answered with a body that is not what its protocol promises (not JSON, or the wrong shape). */
export class EngineResponseError extends EngineError {}
