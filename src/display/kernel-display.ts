/** The part of tslab's `Display` this library uses. Tests pass a recording one. */
export interface DisplaySink {
  html(s: string): void;
  text(s: string): void;
}

/**
 * tslab's display when running inside a tslab kernel, else undefined. The kernel's own `require` is used:
 * a second copy of tslab loaded by this library would throw "Not ready".
 */
export function getKernelDisplay(): DisplaySink | undefined {
  const kernel = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__;
  if (typeof kernel?.require !== "function") return undefined;
  try {
    const tslab = kernel.require("tslab") as { display?: DisplaySink };
    return tslab?.display && typeof tslab.display.html === "function" ? tslab.display : undefined;
  } catch {
    return undefined;
  }
}
