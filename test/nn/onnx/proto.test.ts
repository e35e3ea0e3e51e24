import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onnx, toInt } from '../../../src/nn/onnx/proto.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('the onnx-proto schema', () => {
  it('loads under Node’s own ESM loader through the default import, as proto.ts imports it', () => {
    const script =
      "import onnxProto from 'onnx-proto';" +
      'const m = onnxProto.onnx.ModelProto;' +
      'const bytes = m.encode({ irVersion: 8 }).finish();' +
      'process.stdout.write(String(m.decode(bytes).irVersion));';
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('8');
  });

  it('round-trips a model through its encoder and decoder, int64 fields arriving as Long', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
    }).finish();
    const decoded = onnx.ModelProto.decode(bytes);
    expect(typeof decoded.irVersion).toBe('object');
    expect(toInt(decoded.irVersion)).toBe(8);
    expect(toInt(decoded.opsetImport[0]?.version)).toBe(17);
  });

  it('converts int64 values beyond 2^53 to numbers of the right magnitude', () => {
    const decoded = onnx.TensorProto.decode(
      onnx.TensorProto.encode({ int64Data: ['9223372036854775807' as unknown as number] }).finish(),
    );
    expect(toInt(decoded.int64Data[0])).toBeCloseTo(9.223372036854776e18, -5);
  });
});
