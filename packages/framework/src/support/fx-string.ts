import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_STRING } from "../object/types.js";

/**
 * `FxString` (fxstring.cpp): a WDFSTRING, a counted UTF-16 string the framework owns (copied
 * from the driver's at creation; `WdfStringGetUnicodeString` hands out a view of it).
 */
export class FxString extends FxObject {
  constructor(public Buffer: string) {
    super(FX_TYPE_STRING);
  }

  /** `Length` of the UNICODE_STRING: bytes, without a terminator. */
  get Length(): number {
    return this.Buffer.length * 2;
  }
}
