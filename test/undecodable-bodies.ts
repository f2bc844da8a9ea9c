// Bodies taskfn must refuse rather than store with U+FFFD in place of what was sent, or read in the
// wrong charset: shared by the local host's tests and functions-framework's, which must agree.
export interface Undecodable {
  name: string;
  body: Buffer | string;
  contentType: string;
  status: number;
  code: string;
  /** The field a 400 names. */
  path?: string;
}

export const undecodableBodies: Undecodable[] = [
  { name: 'invalid UTF-8 bytes', body: Buffer.concat([Buffer.from('{"title":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]), contentType: 'application/json', status: 400, code: 'invalid_utf8' },
  { name: 'an escaped lone surrogate', body: '{"title":"a\\ud800b"}', contentType: 'application/json', status: 400, code: 'validation_failed', path: 'title' },
  { name: 'a lone surrogate in an array', body: '{"title":"ok","tags":["x","\\udc00"]}', contentType: 'application/json', status: 400, code: 'validation_failed', path: 'tags.1' },
  { name: 'charset=iso-8859-1', body: Buffer.from('{"title":"caf\u00e9"}', 'latin1'), contentType: 'application/json; charset=iso-8859-1', status: 415, code: 'unsupported_charset' },
  { name: 'charset=shift_jis', body: '{"title":"x"}', contentType: 'application/json; charset=shift_jis', status: 415, code: 'unsupported_charset' },
  { name: 'charset=utf-16', body: Buffer.from('{"title":"x"}', 'utf16le'), contentType: 'application/json; charset=utf-16le', status: 415, code: 'unsupported_charset' },
];
