;; provlrp's WebAssembly SIMD kernels: a packed-panel GEMM with float64 accumulation, and the
;; packing, im2col and col2im loops around it.
;;
;;   C[i, j] += Σ_{k < kc} A[i, k]·B[j, k]      (A packed in panels of 4, B packed or row-major,
;;                                              C float64)
;;
;; Operands are float32 in memory (activations, weights), promoted to float64 when packed. A
;; product of two float32 numbers is exact in float64 (24 + 24 significand bits ≤ 53), and each
;; output is one float64 accumulator that starts at C's value and adds the products in order
;; k = 0, 1, …, exactly as the plain JavaScript loops of src/nn/ops do. The results are therefore
;; bit-identical to theirs, whatever the blocking: the kernels only choose which outputs are
;; computed together, never the order of one output's sum. The plain loops of the adjoints
;; (src/nn/adjoints) and of the weight gradients (src/nn/train) round to float32 as they go: there
;; the kernels' results, rounded once, lie within those loops' float32 error bound instead.
;;
;; Layouts (pointers are byte offsets; lengths and strides count elements):
;;   packed panel   p of `rows` rows and depth K: f64 [K][4] at dst + p·K·32, element (4p + i, k) at
;;                  index k·4 + i; rows past the last are 0.
;;   row-major B    f64 [K][ldb], element (j, k) at index k·ldb + j (im2col's output).
;;   C (accumulator) f64, row-major with `ldc` elements per row, rows and columns rounded up to 4.
;;   tap panels     (im2col_panels) the im2col block as packed panels of 4 taps over `count`
;;                  positions: tap k of position j at index (⌊k/4⌋·count + j)·4 + k mod 4, taps past
;;                  the last (up to a multiple of 4) 0; the B operand of the weight gradient
;;                  ∂W[o, k] += Σ_j ∂z[o, j]·col[k, j].
;;   geometry       (im2col, im2col_panels, col2im) i32 × 12 at `geo`: channels per group, height,
;;                  width, kh, kw, stride y, stride x, dilation y, dilation x, pad top, pad left,
;;                  output width.
;;
;; Measured (bench/gemm.bench.ts, one core): the 4 × 4 f64x2 tile runs at ≈ 26 GFLOP/s, against
;; ≈ 5 for the same blocking in JavaScript. Without FMA this is the core's f64 SSE peak (two
;; vector mul and two vector add per cycle); an f32x4 tile would be twice as fast but accumulate in
;; float32.
;;
;; Built by scripts/build-wasm.ts into gemm-wasm.ts; the JavaScript twins are in gemm.ts and in
;; the loops of src/nn/ops, src/nn/adjoints and src/nn/train (the weight gradients).
;; build-wasm.ts also builds a variant whose memory is imported (`env.memory`) and shared, which
;; threads.ts instantiates on each of its threads.
(module
  (memory (export "memory") 1)

  ;; C[0..4, 0..4] (row stride ldc bytes) += Σ_k A[k][0..4] ⊗ B[k][0..4] over kc steps, A packed
  ;; (32 bytes per step), B `bStep` bytes per step: eight f64x2 accumulators, each step two loads of
  ;; B, four broadcasts of A, 8 mul and 8 add.
  (func $tile (param $a i32) (param $b i32) (param $bStep i32) (param $c i32) (param $ldc i32) (param $kc i32)
    (local $end i32) (local $r i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 5))))
    (local.set $r (local.get $c))
    (local.set $c00 (v128.load (local.get $r)))
    (local.set $c01 (v128.load offset=16 (local.get $r)))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (local.set $c10 (v128.load (local.get $r)))
    (local.set $c11 (v128.load offset=16 (local.get $r)))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (local.set $c20 (v128.load (local.get $r)))
    (local.set $c21 (v128.load offset=16 (local.get $r)))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (local.set $c30 (v128.load (local.get $r)))
    (local.set $c31 (v128.load offset=16 (local.get $r)))
    (block $done
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (loop $step
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load64_splat (local.get $a)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=8 (local.get $a)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=16 (local.get $a)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=24 (local.get $a)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (br_if $step (i32.lt_u (local.get $a) (local.get $end)))))
    (local.set $r (local.get $c))
    (v128.store (local.get $r) (local.get $c00))
    (v128.store offset=16 (local.get $r) (local.get $c01))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c10))
    (v128.store offset=16 (local.get $r) (local.get $c11))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c20))
    (v128.store offset=16 (local.get $r) (local.get $c21))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c30))
    (v128.store offset=16 (local.get $r) (local.get $c31)))

  ;; C += A·Bᵀ over kc steps for mPanels panels of A (stride aStride) and nPanels column blocks of B:
  ;; C[4p + i, 4q + j] += Σ_k A_p[k·4 + i]·B[q·bStride + k·bStep + j]. B is either packed
  ;; (bStride = 4·depth, bStep = 4) or row-major [k][ldb] (bStride = 4, bStep = ldb). A panel stays
  ;; in L1 while the blocks of B pass it.
  (func (export "gemm") (param $a i32) (param $aStride i32) (param $b i32) (param $bStride i32) (param $bStep i32)
    (param $c i32) (param $ldc i32) (param $mPanels i32) (param $nPanels i32) (param $kc i32)
    (local $p i32) (local $q i32) (local $cRow i32) (local $bp i32)
    (local.set $aStride (i32.shl (local.get $aStride) (i32.const 3)))
    (local.set $bStride (i32.shl (local.get $bStride) (i32.const 3)))
    (local.set $bStep (i32.shl (local.get $bStep) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $mPanels)) (i32.eqz (local.get $nPanels))))
      (loop $rows
        (local.set $cRow (i32.add (local.get $c) (i32.mul (local.get $p) (i32.shl (local.get $ldc) (i32.const 2)))))
        (local.set $bp (local.get $b))
        (local.set $q (i32.const 0))
        (loop $cols
          (call $tile (local.get $a) (local.get $bp) (local.get $bStep)
            (i32.add (local.get $cRow) (i32.shl (local.get $q) (i32.const 5)))
            (local.get $ldc) (local.get $kc))
          (local.set $bp (i32.add (local.get $bp) (local.get $bStride)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $q) (local.get $nPanels))))
        (local.set $a (i32.add (local.get $a) (local.get $aStride)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $p) (local.get $mPanels))))))

  ;; C[4p + i, 0] += Σ_{k < kc} A_p[k·4 + i]·B[k·bStep] for p < mPanels: `gemm` for one column of
  ;; B (a batch of one), where the 4 × 4 tile would compute three columns of padding. Panels go two
  ;; at a time, so that four accumulators hide the additions' latency; each output is still one
  ;; accumulator that starts at C's value and adds its products in order of k: the same bits as
  ;; `gemm`'s column 0.
  (func (export "gemv") (param $a i32) (param $aStride i32) (param $b i32) (param $bStep i32)
    (param $c i32) (param $ldc i32) (param $mPanels i32) (param $kc i32)
    (local $p i32) (local $k i32) (local $a1 i32) (local $bp i32) (local $bv v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local.set $aStride (i32.shl (local.get $aStride) (i32.const 3)))
    (local.set $bStep (i32.shl (local.get $bStep) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $mPanels)))
      (loop $panels
        ;; panel p, and p + 1 where there is one (else p again, its results discarded)
        (local.set $a1 (select (i32.add (local.get $a) (local.get $aStride)) (local.get $a)
          (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $mPanels))))
        (local.set $c00 (call $column (local.get $c) (local.get $ldc) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $c01 (call $column (local.get $c) (local.get $ldc) (i32.add (i32.shl (local.get $p) (i32.const 2)) (i32.const 2))))
        (local.set $c10 (local.get $c00))
        (local.set $c11 (local.get $c01))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $mPanels))
          (then
            (local.set $c10 (call $column (local.get $c) (local.get $ldc) (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 2))))
            (local.set $c11 (call $column (local.get $c) (local.get $ldc) (i32.add (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 2)) (i32.const 2))))))
        (local.set $bp (local.get $b))
        (local.set $k (i32.const 0))
        (block $steps
          (br_if $steps (i32.eqz (local.get $kc)))
          (loop $step
            (local.set $bv (v128.load64_splat (local.get $bp)))
            (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (v128.load (local.get $a)) (local.get $bv))))
            (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (v128.load offset=16 (local.get $a)) (local.get $bv))))
            (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (v128.load (local.get $a1)) (local.get $bv))))
            (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (v128.load offset=16 (local.get $a1)) (local.get $bv))))
            (local.set $a (i32.add (local.get $a) (i32.const 32)))
            (local.set $a1 (i32.add (local.get $a1) (i32.const 32)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $step (i32.lt_u (local.get $k) (local.get $kc)))))
        (call $put (local.get $c) (local.get $ldc) (i32.shl (local.get $p) (i32.const 2)) (local.get $c00))
        (call $put (local.get $c) (local.get $ldc) (i32.add (i32.shl (local.get $p) (i32.const 2)) (i32.const 2)) (local.get $c01))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $mPanels))
          (then
            (call $put (local.get $c) (local.get $ldc) (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 2)) (local.get $c10))
            (call $put (local.get $c) (local.get $ldc) (i32.add (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 2)) (i32.const 2)) (local.get $c11))))
        ;; on to the panel after the pair: A's pointer has moved kc steps through panel p
        (local.set $a (i32.add (i32.sub (local.get $a) (i32.shl (local.get $kc) (i32.const 5)))
          (i32.shl (local.get $aStride) (i32.const 1))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br_if $panels (i32.lt_u (local.get $p) (local.get $mPanels))))))

  ;; C[r, 0] and C[r + 1, 0] (row stride ldc bytes) as one f64x2, and back.
  (func $column (param $c i32) (param $ldc i32) (param $r i32) (result v128)
    (local $at i32)
    (local.set $at (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))))
    (f64x2.replace_lane 1 (f64x2.splat (f64.load (local.get $at)))
      (f64.load (i32.add (local.get $at) (local.get $ldc)))))
  (func $put (param $c i32) (param $ldc i32) (param $r i32) (param $v v128)
    (local $at i32)
    (local.set $at (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))))
    (f64.store (local.get $at) (f64x2.extract_lane 0 (local.get $v)))
    (f64.store (i32.add (local.get $at) (local.get $ldc)) (f64x2.extract_lane 1 (local.get $v))))

;; z[k] += Σ_{j < n} W[k·ld + j]·x[j] for k < m: the dense forward of a single sample, on W's
  ;; float32 rows as they are, without packing them (at a batch of one the packing costs more
  ;; than the products). Four rows at a time: each 4 × 4 block of W is transposed in registers,
  ;; so that each output keeps one float64 accumulator and adds its products in order of j, as
  ;; the packed GEMM does: the same bits. z and x are float64.
  (func (export "gemv_rows") (param $w i32) (param $ld i32) (param $x i32) (param $z i32) (param $m i32) (param $n i32)
    (local $k i32) (local $j i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $xp i32) (local $n4 i32) (local $acc01 v128) (local $acc23 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $xv v128)
    (local $sum f64)
    (local.set $ld (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $fours
      (loop $rows
        (br_if $fours (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $m)))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $ld))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $ld)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $ld)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $ld)))
        (local.set $acc01 (v128.load (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $acc23 (v128.load offset=16 (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $xp (local.get $x))
        (local.set $j (i32.const 0))
        (block $blocks
          (loop $block
            (br_if $blocks (i32.ge_u (local.get $j) (local.get $n4)))
            ;; t0 = (W[k, j], W[k+1, j], W[k, j+1], W[k+1, j+1]), t1 the same for rows k+2 and k+3;
            ;; t2, t3 columns j+2 and j+3
            (local.set $t0 (v128.load (local.get $r0)))
            (local.set $t1 (v128.load (local.get $r1)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $t0) (local.get $t1)))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $t0) (local.get $t1)))
            (local.set $t1 (v128.load (local.get $r2)))
            (local.set $xv (v128.load (local.get $r3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $t1) (local.get $xv)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $t1) (local.get $xv)))
            ;; column j
            (local.set $xv (v128.load64_splat (local.get $xp)))
            (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t0)) (local.get $xv))))
            (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t1)) (local.get $xv))))
            ;; column j + 1
            (local.set $xv (v128.load64_splat offset=8 (local.get $xp)))
            (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t0) (local.get $t0))) (local.get $xv))))
            (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t1) (local.get $t1))) (local.get $xv))))
            ;; column j + 2
            (local.set $xv (v128.load64_splat offset=16 (local.get $xp)))
            (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t2)) (local.get $xv))))
            (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t3)) (local.get $xv))))
            ;; column j + 3
            (local.set $xv (v128.load64_splat offset=24 (local.get $xp)))
            (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t2) (local.get $t2))) (local.get $xv))))
            (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t3) (local.get $t3))) (local.get $xv))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $block)))
        ;; the last n mod 4 columns, one at a time
        (block $tail
          (loop $column
            (br_if $tail (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $xv (v128.load64_splat (local.get $xp)))
            (local.set $acc01 (f64x2.add (local.get $acc01) (f64x2.mul (local.get $xv)
              (f64x2.replace_lane 1 (f64x2.splat (f64.promote_f32 (f32.load (local.get $r0))))
                (f64.promote_f32 (f32.load (local.get $r1)))))))
            (local.set $acc23 (f64x2.add (local.get $acc23) (f64x2.mul (local.get $xv)
              (f64x2.replace_lane 1 (f64x2.splat (f64.promote_f32 (f32.load (local.get $r2))))
                (f64.promote_f32 (f32.load (local.get $r3)))))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 4)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 4)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 4)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $column)))
        (v128.store (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3))) (local.get $acc01))
        (v128.store offset=16 (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3))) (local.get $acc23))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows)))
    ;; the last m mod 4 rows, one at a time
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $ld))))
        (local.set $sum (f64.load (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $xp (local.get $x))
        (local.set $j (i32.const 0))
        (block $end
          (loop $each
            (br_if $end (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $sum (f64.add (local.get $sum)
              (f64.mul (f64.promote_f32 (f32.load (local.get $r0))) (f64.load (local.get $xp)))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each)))
        (f64.store (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3))) (local.get $sum))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $row))))

  ;; c[j] += Σ_{k < kc} W[k·ld + j]·s[k] for j < n: the dense adjoint of a single sample, on W's
  ;; float32 rows as they are (no transposed panels). Four rows of W at a time, two inputs j per
  ;; f64x2: each input keeps one accumulator over the four and adds in order of k, as the packed
  ;; GEMM does: the same bits. c and s are float64.
  (func (export "gemv_t_rows") (param $w i32) (param $ld i32) (param $s i32) (param $c i32) (param $kc i32) (param $n i32)
    (local $k i32) (local $j i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $cp i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $acc v128) (local $at i32)
    (local $sum f64) (local $count i32)
    (local.set $ld (i32.shl (local.get $ld) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $k) (local.get $kc)))
        ;; four rows, or the one to three left (the others then weigh 0 and are skipped below)
        (local.set $count (select (i32.const 4) (i32.sub (local.get $kc) (local.get $k))
          (i32.le_u (i32.add (local.get $k) (i32.const 4)) (local.get $kc))))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $ld))))
        (local.set $at (i32.add (local.get $s) (i32.shl (local.get $k) (i32.const 3))))
        (if (i32.eq (local.get $count) (i32.const 4))
          (then
            (local.set $r1 (i32.add (local.get $r0) (local.get $ld)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $ld)))
            (local.set $r3 (i32.add (local.get $r2) (local.get $ld)))
            (local.set $s0 (v128.load64_splat (local.get $at)))
            (local.set $s1 (v128.load64_splat offset=8 (local.get $at)))
            (local.set $s2 (v128.load64_splat offset=16 (local.get $at)))
            (local.set $s3 (v128.load64_splat offset=24 (local.get $at)))
            (local.set $cp (local.get $c))
            (local.set $j (i32.const 0))
            (block $pairs
              (loop $pair
                (br_if $pairs (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
                (local.set $acc (v128.load (local.get $cp)))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $r0))) (local.get $s0))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $r1))) (local.get $s1))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $r2))) (local.get $s2))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $r3))) (local.get $s3))))
                (v128.store (local.get $cp) (local.get $acc))
                (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
                (local.set $r1 (i32.add (local.get $r1) (i32.const 8)))
                (local.set $r2 (i32.add (local.get $r2) (i32.const 8)))
                (local.set $r3 (i32.add (local.get $r3) (i32.const 8)))
                (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))
                (br $pair)))
            (if (i32.lt_u (local.get $j) (local.get $n))
              (then
                (local.set $sum (f64.load (local.get $cp)))
                (local.set $sum (f64.add (local.get $sum) (f64.mul (f64.promote_f32 (f32.load (local.get $r0))) (f64.load (local.get $at)))))
                (local.set $sum (f64.add (local.get $sum) (f64.mul (f64.promote_f32 (f32.load (local.get $r1))) (f64.load offset=8 (local.get $at)))))
                (local.set $sum (f64.add (local.get $sum) (f64.mul (f64.promote_f32 (f32.load (local.get $r2))) (f64.load offset=16 (local.get $at)))))
                (local.set $sum (f64.add (local.get $sum) (f64.mul (f64.promote_f32 (f32.load (local.get $r3))) (f64.load offset=24 (local.get $at)))))
                (f64.store (local.get $cp) (local.get $sum)))))
          (else
            ;; fewer than four rows left: one row at a time
            (loop $one
              (local.set $s0 (v128.load64_splat (local.get $at)))
              (local.set $cp (local.get $c))
              (local.set $j (i32.const 0))
              (block $pairs1
                (loop $pair1
                  (br_if $pairs1 (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
                  (v128.store (local.get $cp) (f64x2.add (v128.load (local.get $cp))
                    (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $r0))) (local.get $s0))))
                  (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
                  (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
                  (local.set $j (i32.add (local.get $j) (i32.const 2)))
                  (br $pair1)))
              (if (i32.lt_u (local.get $j) (local.get $n))
                (then
                  (f64.store (local.get $cp) (f64.add (f64.load (local.get $cp))
                    (f64.mul (f64.promote_f32 (f32.load (local.get $r0))) (f64.load (local.get $at)))))
                  (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))))
              ;; the next row: r0 has moved n elements along this one
              (local.set $r0 (i32.add (local.get $r0) (i32.sub (local.get $ld) (i32.shl (local.get $n) (i32.const 2)))))
              (local.set $at (i32.add (local.get $at) (i32.const 8)))
              (local.set $count (i32.sub (local.get $count) (i32.const 1)))
              (br_if $one (local.get $count)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows))))

    ;; Packs `rows` float32 rows of length `depth` (row stride ld) into panels at dst:
  ;; dst[(⌊r/4⌋·depth + k)·4 + r mod 4] = src[r·ld + k], rows up to a multiple of 4 zero.
  (func (export "pack") (param $src i32) (param $rows i32) (param $depth i32) (param $ld i32) (param $dst i32)
    (local $r i32) (local $padded i32) (local $s i32) (local $d i32) (local $end i32)
    (local.set $padded (i32.and (i32.add (local.get $rows) (i32.const 3)) (i32.const -4)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $padded)) (i32.eqz (local.get $depth))))
      (loop $row
        (local.set $d (i32.add (local.get $dst)
          (i32.add (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (i32.shl (local.get $depth) (i32.const 5)))
                   (i32.shl (i32.and (local.get $r) (i32.const 3)) (i32.const 3)))))
        (local.set $end (i32.add (local.get $d) (i32.shl (local.get $depth) (i32.const 5))))
        (if (i32.lt_u (local.get $r) (local.get $rows))
          (then
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $ld)) (i32.const 2))))
            (loop $copy
              (f64.store (local.get $d) (f64.promote_f32 (f32.load (local.get $s))))
              (local.set $s (i32.add (local.get $s) (i32.const 4)))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (br_if $copy (i32.lt_u (local.get $d) (local.get $end)))))
          (else
            (loop $zero
              (f64.store (local.get $d) (f64.const 0))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (br_if $zero (i32.lt_u (local.get $d) (local.get $end))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $r) (local.get $padded))))))

  ;; Packs the transpose: `cols` float32 columns of a [depth × ld] matrix into panels at dst,
  ;; dst[(⌊c/4⌋·depth + k)·4 + c mod 4] = src[k·ld + c], columns up to a multiple of 4 zero.
  (func (export "pack_t") (param $src i32) (param $depth i32) (param $cols i32) (param $ld i32) (param $dst i32)
    (local $c i32) (local $k i32) (local $i i32) (local $s i32) (local $d i32) (local $v v128)
    (local.set $ld (i32.shl (local.get $ld) (i32.const 2)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $cols)) (i32.eqz (local.get $depth))))
      (loop $panel
        (local.set $s (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $k (i32.const 0))
        (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols))
          (then
            ;; NOTE: a full panel moves four columns with one 16-byte load and two promotions.
            (loop $full
              (local.set $v (v128.load (local.get $s)))
              (v128.store (local.get $dst) (f64x2.promote_low_f32x4 (local.get $v)))
              (v128.store offset=16 (local.get $dst) (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
              (local.set $s (i32.add (local.get $s) (local.get $ld)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $full (i32.lt_u (local.get $k) (local.get $depth)))))
          (else
            (loop $edge
              (local.set $i (i32.const 0))
              (loop $lane
                (f64.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3)))
                  (if (result f64) (i32.lt_u (i32.add (local.get $c) (local.get $i)) (local.get $cols))
                    (then (f64.promote_f32 (f32.load (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 2))))))
                    (else (f64.const 0))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $lane (i32.lt_u (local.get $i) (i32.const 4))))
              (local.set $s (i32.add (local.get $s) (local.get $ld)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $edge (i32.lt_u (local.get $k) (local.get $depth))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br_if $panel (i32.lt_u (local.get $c) (local.get $cols))))))

  ;; dst[i·ldc + j] = src[i·si + j·sj] (float32 → float64) for i < m, j < n. With sj = 0 it
  ;; broadcasts a bias along the rows.
  (func (export "load") (param $src i32) (param $si i32) (param $sj i32) (param $dst i32) (param $ldc i32)
    (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $s i32) (local $d i32)
    (local.set $si (i32.shl (local.get $si) (i32.const 2)))
    (local.set $sj (i32.shl (local.get $sj) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))))
      (loop $row
        (local.set $s (local.get $src))
        (local.set $d (local.get $dst))
        (local.set $j (i32.const 0))
        (loop $col
          (f64.store (local.get $d) (f64.promote_f32 (f32.load (local.get $s))))
          (local.set $s (i32.add (local.get $s) (local.get $sj)))
          (local.set $d (i32.add (local.get $d) (i32.const 8)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $col (i32.lt_u (local.get $j) (local.get $n))))
        (local.set $src (i32.add (local.get $src) (local.get $si)))
        (local.set $dst (i32.add (local.get $dst) (local.get $ldc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $i) (local.get $m))))))

  ;; dst[i·si + j·sj] = src[i·ldc + j] rounded to float32 (to nearest, ties to even, as a
  ;; Float32Array store rounds) for i < m, j < n.
  (func (export "store") (param $src i32) (param $ldc i32) (param $dst i32) (param $si i32) (param $sj i32)
    (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $s i32) (local $d i32)
    (local.set $si (i32.shl (local.get $si) (i32.const 2)))
    (local.set $sj (i32.shl (local.get $sj) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))))
      (loop $row
        (local.set $s (local.get $src))
        (local.set $d (local.get $dst))
        (local.set $j (i32.const 0))
        (loop $col
          (f32.store (local.get $d) (f32.demote_f64 (f64.load (local.get $s))))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $d (i32.add (local.get $d) (local.get $sj)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $col (i32.lt_u (local.get $j) (local.get $n))))
        (local.set $src (i32.add (local.get $src) (local.get $ldc)))
        (local.set $dst (i32.add (local.get $dst) (local.get $si)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $i) (local.get $m))))))

  ;; The positions t < run of one output row whose tap ix0 + t·sx lies in [0, width): [lo, hi).
  (func $span (param $ix0 i32) (param $sx i32) (param $width i32) (param $run i32) (result i32 i32)
    (local $lo i32) (local $hi i32)
    (if (i32.lt_s (local.get $ix0) (i32.const 0))
      (then (local.set $lo (i32.div_u (i32.sub (i32.sub (local.get $sx) (i32.const 1)) (local.get $ix0)) (local.get $sx)))))
    (if (i32.ge_s (i32.sub (i32.sub (local.get $width) (i32.const 1)) (local.get $ix0)) (i32.const 0))
      (then (local.set $hi (i32.add (i32.div_u (i32.sub (i32.sub (local.get $width) (i32.const 1)) (local.get $ix0))
        (local.get $sx)) (i32.const 1)))))
    (if (i32.gt_u (local.get $hi) (local.get $run)) (then (local.set $hi (local.get $run))))
    (if (i32.gt_u (local.get $lo) (local.get $hi)) (then (local.set $lo (local.get $hi))))
    (local.get $lo) (local.get $hi))

  ;; d[t] = s[t·step] (float32 → float64) for t < n.
  (func $widen (param $s i32) (param $d i32) (param $n i32) (param $step i32)
    (local $v v128)
    (if (i32.eq (local.get $step) (i32.const 1))
      (then
        ;; NOTE: unit stride (stride-1 convolutions) converts four taps per 16-byte load.
        (block $done
          (loop $four
            (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))
            (local.set $v (v128.load (local.get $s)))
            (v128.store (local.get $d) (f64x2.promote_low_f32x4 (local.get $v)))
            (v128.store offset=16 (local.get $d) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
            (br $four)))))
    (local.set $step (i32.shl (local.get $step) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $d) (f64.promote_f32 (f32.load (local.get $s))))
        (local.set $s (i32.add (local.get $s) (local.get $step)))
        (local.set $d (i32.add (local.get $d) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

;; d[t] = s[t·step] for t < n, widened to float64 (wide = 1) or copied as float32 (wide = 0).
  (func $copy_taps (param $s i32) (param $d i32) (param $n i32) (param $step i32) (param $wide i32)
    (if (local.get $wide)
      (then (call $widen (local.get $s) (local.get $d) (local.get $n) (local.get $step)))
      (else (call $narrow_copy (local.get $s) (local.get $d) (local.get $n) (local.get $step)))))

  ;; d[t] = s[t·step] (float32) for t < n.
  (func $narrow_copy (param $s i32) (param $d i32) (param $n i32) (param $step i32)
    (if (i32.eq (local.get $step) (i32.const 1))
      (then
        (memory.copy (local.get $d) (local.get $s) (i32.shl (local.get $n) (i32.const 2)))
        (return)))
    (local.set $step (i32.shl (local.get $step) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f32.store (local.get $d) (f32.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (local.get $step)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; d[t·step] += s[t] (float64) for t < n.
  (func $scatter (param $s i32) (param $d i32) (param $n i32) (param $step i32)
    (if (i32.eq (local.get $step) (i32.const 1))
      (then
        (block $done
          (loop $two
            (br_if $done (i32.lt_u (local.get $n) (i32.const 2)))
            (v128.store (local.get $d) (f64x2.add (v128.load (local.get $d)) (v128.load (local.get $s))))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))))
    (local.set $step (i32.shl (local.get $step) (i32.const 3)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $d) (f64.add (f64.load (local.get $d)) (f64.load (local.get $s))))
        (local.set $s (i32.add (local.get $s) (i32.const 8)))
        (local.set $d (i32.add (local.get $d) (local.get $step)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

;; d[t·step] += s[t] for t < n (d float64), s float64 (wide = 1) or float32 (wide = 0).
  (func $scatter_taps (param $s i32) (param $d i32) (param $n i32) (param $step i32) (param $wide i32)
    (if (local.get $wide)
      (then (call $scatter (local.get $s) (local.get $d) (local.get $n) (local.get $step)))
      (else (call $scatter_narrow (local.get $s) (local.get $d) (local.get $n) (local.get $step)))))

  ;; d[t·step] += s[t] for t < n, s float32 (promoted exactly), d float64.
  (func $scatter_narrow (param $s i32) (param $d i32) (param $n i32) (param $step i32)
    (if (i32.eq (local.get $step) (i32.const 1))
      (then
        (block $done
          (loop $two
            (br_if $done (i32.lt_u (local.get $n) (i32.const 2)))
            (v128.store (local.get $d) (f64x2.add (v128.load (local.get $d))
              (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s)))))
            (local.set $s (i32.add (local.get $s) (i32.const 8)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))))
    (local.set $step (i32.shl (local.get $step) (i32.const 3)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $d) (f64.add (f64.load (local.get $d)) (f64.promote_f32 (f32.load (local.get $s)))))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (local.get $step)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; im2col, row-major: dst[k·ld + j] = the tap k = (c, u, v) of output position p0 + j (row-major
  ;; over the output width), src[c, y·sy − pt + u·dy, x·sx − pl + v·dx] as float64, 0 in the padding,
  ;; for j < count, and 0 for count ≤ j < count rounded up to 4. Each output row is split into the
  ;; taps left of the input, inside it and right of it, so the inner loop has no bounds checks.
  (func (export "im2col") (param $geo i32) (param $src i32) (param $dst i32) (param $ld i32) (param $p0 i32)
    (param $count i32)
    (call $im2col_into (local.get $geo) (local.get $src) (local.get $dst) (local.get $ld) (local.get $p0)
      (local.get $count) (i32.const 1)))

  ;; The same columns as float32 (copied, not widened) for the float32-accumulating GEMM, with
  ;; 0 for count ≤ j < count rounded up to 8 (its tiles are 8 columns wide).
  (func (export "im2col32") (param $geo i32) (param $src i32) (param $dst i32) (param $ld i32) (param $p0 i32)
    (param $count i32)
    (call $im2col_into (local.get $geo) (local.get $src) (local.get $dst) (local.get $ld) (local.get $p0)
      (local.get $count) (i32.const 0)))

  ;; im2col's loops; `wide` 1 writes float64 elements (padding to 4), 0 float32 (padding to 8).
  (func $im2col_into (param $geo i32) (param $src i32) (param $dst i32) (param $ld i32) (param $p0 i32)
    (param $count i32) (param $wide i32)
    (local $es i32)
    (local $channels i32) (local $height i32) (local $width i32) (local $kh i32) (local $kw i32)
    (local $sy i32) (local $sx i32) (local $dly i32) (local $dlx i32) (local $pt i32) (local $pl i32)
    (local $ow i32) (local $c i32) (local $u i32) (local $v i32) (local $plane i32) (local $dy i32) (local $dx i32)
    (local $x i32) (local $y i32) (local $j i32) (local $run i32) (local $iy i32) (local $ix0 i32)
    (local $lo i32) (local $hi i32) (local $padded i32)
    (local.set $channels (i32.load (local.get $geo)))
    (local.set $height (i32.load offset=4 (local.get $geo)))
    (local.set $width (i32.load offset=8 (local.get $geo)))
    (local.set $kh (i32.load offset=12 (local.get $geo)))
    (local.set $kw (i32.load offset=16 (local.get $geo)))
    (local.set $sy (i32.load offset=20 (local.get $geo)))
    (local.set $sx (i32.load offset=24 (local.get $geo)))
    (local.set $dly (i32.load offset=28 (local.get $geo)))
    (local.set $dlx (i32.load offset=32 (local.get $geo)))
    (local.set $pt (i32.load offset=36 (local.get $geo)))
    (local.set $pl (i32.load offset=40 (local.get $geo)))
    (local.set $ow (i32.load offset=44 (local.get $geo)))
    ;; bytes per element: 1 << es
    (local.set $es (i32.add (i32.const 2) (local.get $wide)))
    (local.set $ld (i32.shl (local.get $ld) (local.get $es)))
    (local.set $padded (if (result i32) (local.get $wide)
      (then (i32.and (i32.add (local.get $count) (i32.const 3)) (i32.const -4)))
      (else (i32.and (i32.add (local.get $count) (i32.const 7)) (i32.const -8)))))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $channel
        (local.set $plane (i32.add (local.get $src)
          (i32.shl (i32.mul (local.get $c) (i32.mul (local.get $height) (local.get $width))) (i32.const 2))))
        (local.set $u (i32.const 0))
        (loop $row
          (local.set $dy (i32.sub (i32.mul (local.get $u) (local.get $dly)) (local.get $pt)))
          (local.set $v (i32.const 0))
          (loop $col
            (local.set $dx (i32.sub (i32.mul (local.get $v) (local.get $dlx)) (local.get $pl)))
            (local.set $y (i32.div_u (local.get $p0) (local.get $ow)))
            (local.set $x (i32.sub (local.get $p0) (i32.mul (local.get $y) (local.get $ow))))
            (local.set $j (i32.const 0))
            (loop $segment
              (local.set $run (i32.sub (local.get $ow) (local.get $x)))
              (if (i32.gt_u (local.get $run) (i32.sub (local.get $count) (local.get $j)))
                (then (local.set $run (i32.sub (local.get $count) (local.get $j)))))
              (local.set $iy (i32.add (i32.mul (local.get $y) (local.get $sy)) (local.get $dy)))
              (local.set $ix0 (i32.add (i32.mul (local.get $x) (local.get $sx)) (local.get $dx)))
              (local.set $lo (i32.const 0))
              (local.set $hi (i32.const 0))
              (if (i32.lt_u (local.get $iy) (local.get $height))
                (then
                  (call $span (local.get $ix0) (local.get $sx) (local.get $width) (local.get $run))
                  (local.set $hi)
                  (local.set $lo)))
              (memory.fill (i32.add (local.get $dst) (i32.shl (local.get $j) (local.get $es)))
                (i32.const 0) (i32.shl (local.get $lo) (local.get $es)))
              (if (i32.lt_u (local.get $lo) (local.get $hi))
                (then
                  (call $copy_taps
                    (i32.add (local.get $plane) (i32.shl (i32.add (i32.mul (local.get $iy) (local.get $width))
                      (i32.add (local.get $ix0) (i32.mul (local.get $lo) (local.get $sx)))) (i32.const 2)))
                    (i32.add (local.get $dst) (i32.shl (i32.add (local.get $j) (local.get $lo)) (local.get $es)))
                    (i32.sub (local.get $hi) (local.get $lo))
                    (local.get $sx)
                    (local.get $wide))))
              (memory.fill (i32.add (local.get $dst) (i32.shl (i32.add (local.get $j) (local.get $hi)) (local.get $es)))
                (i32.const 0) (i32.shl (i32.sub (local.get $run) (local.get $hi)) (local.get $es)))
              (local.set $j (i32.add (local.get $j) (local.get $run)))
              (local.set $x (i32.const 0))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br_if $segment (i32.lt_u (local.get $j) (local.get $count))))
            (memory.fill (i32.add (local.get $dst) (i32.shl (local.get $count) (local.get $es)))
              (i32.const 0) (i32.shl (i32.sub (local.get $padded) (local.get $count)) (local.get $es)))
            (local.set $dst (i32.add (local.get $dst) (local.get $ld)))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br_if $col (i32.lt_u (local.get $v) (local.get $kw))))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br_if $row (i32.lt_u (local.get $u) (local.get $kh))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $channel (i32.lt_u (local.get $c) (local.get $channels))))))

  ;; col2im, the adjoint of im2col: dst[c, iy, ix] += src[k·ld + j] for each tap k = (c, u, v) and
  ;; output position p0 + j (j < count) whose tap (iy, ix) lies inside the input; float64 throughout.
  (func (export "col2im") (param $geo i32) (param $src i32) (param $ld i32) (param $dst i32) (param $p0 i32)
    (param $count i32)
    (call $col2im_from (local.get $geo) (local.get $src) (local.get $ld) (local.get $dst) (local.get $p0)
      (local.get $count) (i32.const 1)))

  ;; The same from float32 columns (gemm32's output) into the float64 image.
  (func (export "col2im32") (param $geo i32) (param $src i32) (param $ld i32) (param $dst i32) (param $p0 i32)
    (param $count i32)
    (call $col2im_from (local.get $geo) (local.get $src) (local.get $ld) (local.get $dst) (local.get $p0)
      (local.get $count) (i32.const 0)))

  ;; col2im's loops; `wide` 1 reads float64 columns, 0 float32.
  (func $col2im_from (param $geo i32) (param $src i32) (param $ld i32) (param $dst i32) (param $p0 i32)
    (param $count i32) (param $wide i32)
    (local $es i32)
    (local $channels i32) (local $height i32) (local $width i32) (local $kh i32) (local $kw i32)
    (local $sy i32) (local $sx i32) (local $dly i32) (local $dlx i32) (local $pt i32) (local $pl i32)
    (local $ow i32) (local $c i32) (local $u i32) (local $v i32) (local $plane i32) (local $dy i32) (local $dx i32)
    (local $x i32) (local $y i32) (local $j i32) (local $run i32) (local $iy i32) (local $ix0 i32)
    (local $lo i32) (local $hi i32)
    (local.set $channels (i32.load (local.get $geo)))
    (local.set $height (i32.load offset=4 (local.get $geo)))
    (local.set $width (i32.load offset=8 (local.get $geo)))
    (local.set $kh (i32.load offset=12 (local.get $geo)))
    (local.set $kw (i32.load offset=16 (local.get $geo)))
    (local.set $sy (i32.load offset=20 (local.get $geo)))
    (local.set $sx (i32.load offset=24 (local.get $geo)))
    (local.set $dly (i32.load offset=28 (local.get $geo)))
    (local.set $dlx (i32.load offset=32 (local.get $geo)))
    (local.set $pt (i32.load offset=36 (local.get $geo)))
    (local.set $pl (i32.load offset=40 (local.get $geo)))
    (local.set $ow (i32.load offset=44 (local.get $geo)))
    ;; bytes per column element: 1 << es
    (local.set $es (i32.add (i32.const 2) (local.get $wide)))
    (local.set $ld (i32.shl (local.get $ld) (local.get $es)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $channel
        (local.set $plane (i32.add (local.get $dst)
          (i32.shl (i32.mul (local.get $c) (i32.mul (local.get $height) (local.get $width))) (i32.const 3))))
        (local.set $u (i32.const 0))
        (loop $row
          (local.set $dy (i32.sub (i32.mul (local.get $u) (local.get $dly)) (local.get $pt)))
          (local.set $v (i32.const 0))
          (loop $col
            (local.set $dx (i32.sub (i32.mul (local.get $v) (local.get $dlx)) (local.get $pl)))
            (local.set $y (i32.div_u (local.get $p0) (local.get $ow)))
            (local.set $x (i32.sub (local.get $p0) (i32.mul (local.get $y) (local.get $ow))))
            (local.set $j (i32.const 0))
            (loop $segment
              (local.set $run (i32.sub (local.get $ow) (local.get $x)))
              (if (i32.gt_u (local.get $run) (i32.sub (local.get $count) (local.get $j)))
                (then (local.set $run (i32.sub (local.get $count) (local.get $j)))))
              (local.set $iy (i32.add (i32.mul (local.get $y) (local.get $sy)) (local.get $dy)))
              (local.set $ix0 (i32.add (i32.mul (local.get $x) (local.get $sx)) (local.get $dx)))
              (if (i32.lt_u (local.get $iy) (local.get $height))
                (then
                  (call $span (local.get $ix0) (local.get $sx) (local.get $width) (local.get $run))
                  (local.set $hi)
                  (local.set $lo)
                  (call $scatter_taps
                    (i32.add (local.get $src) (i32.shl (i32.add (local.get $j) (local.get $lo)) (local.get $es)))
                    (i32.add (local.get $plane) (i32.shl (i32.add (i32.mul (local.get $iy) (local.get $width))
                      (i32.add (local.get $ix0) (i32.mul (local.get $lo) (local.get $sx)))) (i32.const 3)))
                    (i32.sub (local.get $hi) (local.get $lo))
                    (local.get $sx)
                    (local.get $wide))))
              (local.set $j (i32.add (local.get $j) (local.get $run)))
              (local.set $x (i32.const 0))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br_if $segment (i32.lt_u (local.get $j) (local.get $count))))
            (local.set $src (i32.add (local.get $src) (local.get $ld)))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br_if $col (i32.lt_u (local.get $v) (local.get $kw))))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br_if $row (i32.lt_u (local.get $u) (local.get $kh))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $channel (i32.lt_u (local.get $c) (local.get $channels))))))

  ;; d[t·32] = s[t·step] (float32 → float64) for t < n: one tap's row of a tap panel.
  (func $gather (param $s i32) (param $d i32) (param $n i32) (param $step i32)
    (local.set $step (i32.shl (local.get $step) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $d) (f64.promote_f32 (f32.load (local.get $s))))
        (local.set $s (i32.add (local.get $s) (local.get $step)))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; d[t·32] = 0 for t < n.
  (func $clear (param $d i32) (param $n i32)
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $d) (f64.const 0))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; im2col into tap panels (see the layouts above): the tap k = (c, u, v) of output position p0 + j,
  ;; src[c, y·sy − pt + u·dy, x·sx − pl + v·dx] as float64, 0 in the padding, at
  ;; dst[(⌊k/4⌋·count + j)·4 + k mod 4] for j < count; the taps past the last up to a multiple of 4
  ;; are 0. The rows are split as im2col splits them; a tap's row is written with a stride of 4.
  (func (export "im2col_panels") (param $geo i32) (param $src i32) (param $dst i32) (param $p0 i32)
    (param $count i32)
    (local $channels i32) (local $height i32) (local $width i32) (local $kh i32) (local $kw i32)
    (local $sy i32) (local $sx i32) (local $dly i32) (local $dlx i32) (local $pt i32) (local $pl i32)
    (local $ow i32) (local $c i32) (local $u i32) (local $v i32) (local $plane i32) (local $dy i32) (local $dx i32)
    (local $x i32) (local $y i32) (local $j i32) (local $run i32) (local $iy i32) (local $ix0 i32)
    (local $lo i32) (local $hi i32) (local $k i32) (local $row i32) (local $fullLo i32) (local $fullHi i32)
    (local.set $channels (i32.load (local.get $geo)))
    (local.set $height (i32.load offset=4 (local.get $geo)))
    (local.set $width (i32.load offset=8 (local.get $geo)))
    (local.set $kh (i32.load offset=12 (local.get $geo)))
    (local.set $kw (i32.load offset=16 (local.get $geo)))
    (local.set $sy (i32.load offset=20 (local.get $geo)))
    (local.set $sx (i32.load offset=24 (local.get $geo)))
    (local.set $dly (i32.load offset=28 (local.get $geo)))
    (local.set $dlx (i32.load offset=32 (local.get $geo)))
    (local.set $pt (i32.load offset=36 (local.get $geo)))
    (local.set $pl (i32.load offset=40 (local.get $geo)))
    (local.set $ow (i32.load offset=44 (local.get $geo)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $channel
        (local.set $plane (i32.add (local.get $src)
          (i32.shl (i32.mul (local.get $c) (i32.mul (local.get $height) (local.get $width))) (i32.const 2))))
        (local.set $u (i32.const 0))
        (loop $krow
          (local.set $dy (i32.sub (i32.mul (local.get $u) (local.get $dly)) (local.get $pt)))
          (local.set $v (i32.const 0))
          (loop $kcol
            (local.set $dx (i32.sub (i32.mul (local.get $v) (local.get $dlx)) (local.get $pl)))
            ;; the first element of tap k's row: panel ⌊k/4⌋ (count·32 bytes each), lane k mod 4
            (local.set $row (i32.add (local.get $dst)
              (i32.add (i32.shl (i32.mul (i32.shr_u (local.get $k) (i32.const 2)) (local.get $count)) (i32.const 5))
                       (i32.shl (i32.and (local.get $k) (i32.const 3)) (i32.const 3)))))
            ;; NOTE: every whole output row of a tap has the same span: it is computed once.
            (call $span (local.get $dx) (local.get $sx) (local.get $width) (local.get $ow))
            (local.set $fullHi)
            (local.set $fullLo)
            (local.set $y (i32.div_u (local.get $p0) (local.get $ow)))
            (local.set $x (i32.sub (local.get $p0) (i32.mul (local.get $y) (local.get $ow))))
            (local.set $j (i32.const 0))
            (loop $segment
              (local.set $run (i32.sub (local.get $ow) (local.get $x)))
              (if (i32.gt_u (local.get $run) (i32.sub (local.get $count) (local.get $j)))
                (then (local.set $run (i32.sub (local.get $count) (local.get $j)))))
              (local.set $iy (i32.add (i32.mul (local.get $y) (local.get $sy)) (local.get $dy)))
              (local.set $ix0 (i32.add (i32.mul (local.get $x) (local.get $sx)) (local.get $dx)))
              (local.set $lo (i32.const 0))
              (local.set $hi (i32.const 0))
              (if (i32.lt_u (local.get $iy) (local.get $height))
                (then
                  (if (i32.eq (local.get $run) (local.get $ow))
                    (then
                      (local.set $lo (local.get $fullLo))
                      (local.set $hi (local.get $fullHi)))
                    (else
                      (call $span (local.get $ix0) (local.get $sx) (local.get $width) (local.get $run))
                      (local.set $hi)
                      (local.set $lo)))))
              (call $clear (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 5))) (local.get $lo))
              (if (i32.lt_u (local.get $lo) (local.get $hi))
                (then
                  (call $gather
                    (i32.add (local.get $plane) (i32.shl (i32.add (i32.mul (local.get $iy) (local.get $width))
                      (i32.add (local.get $ix0) (i32.mul (local.get $lo) (local.get $sx)))) (i32.const 2)))
                    (i32.add (local.get $row) (i32.shl (i32.add (local.get $j) (local.get $lo)) (i32.const 5)))
                    (i32.sub (local.get $hi) (local.get $lo))
                    (local.get $sx))))
              (call $clear (i32.add (local.get $row) (i32.shl (i32.add (local.get $j) (local.get $hi)) (i32.const 5)))
                (i32.sub (local.get $run) (local.get $hi)))
              (local.set $j (i32.add (local.get $j) (local.get $run)))
              (local.set $x (i32.const 0))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br_if $segment (i32.lt_u (local.get $j) (local.get $count))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br_if $kcol (i32.lt_u (local.get $v) (local.get $kw))))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br_if $krow (i32.lt_u (local.get $u) (local.get $kh))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $channel (i32.lt_u (local.get $c) (local.get $channels))))
      ;; the padding taps of the last panel
      (block $full
        (loop $pad
          (br_if $full (i32.eqz (i32.and (local.get $k) (i32.const 3))))
          (call $clear
            (i32.add (local.get $dst)
              (i32.add (i32.shl (i32.mul (i32.shr_u (local.get $k) (i32.const 2)) (local.get $count)) (i32.const 5))
                       (i32.shl (i32.and (local.get $k) (i32.const 3)) (i32.const 3))))
            (local.get $count))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $pad)))))

;; ==== Float32 accumulation ======================================================================
  ;; The float32-accumulating twin of the GEMM above, for callers that choose it (backend.ts,
  ;; `accumulation: 'float32'`): operands and accumulator float32, each product and each sum rounded
  ;; to float32 (f32x4.mul, then f32x4.add), in order k = 0, 1, … per output. JavaScript computes the
  ;; same numbers as Math.fround(c + Math.fround(a·b)) (both operations of float32 operands are
  ;; exact or correctly rounded in float64, so rounding again to float32 changes nothing), which is
  ;; what the plain twins do. Four lanes per vector instead of two: twice the multiply-adds per
  ;; instruction, at float32's rounding error.
  ;;
  ;;   panel32   f32 [K][4] per panel of 4 rows at dst + p·K·16, rows past the last 0.
  ;;   B         row-major f32 [K][ldb], blocks of 8 columns (im2col32's output).
  ;;   C         f32 row-major with `ldc` elements per row, columns a multiple of 8.

  ;; C[0..4, 0..8] (row stride ldc bytes) += Σ_k A[k][0..4] ⊗ B[k][0..8] over kc steps, A packed (16
  ;; bytes per step), B `bStep` bytes per step: eight f32x4 accumulators, each step two loads of B,
  ;; four broadcasts of A, 8 mul and 8 add.
  (func $tile32 (param $a i32) (param $b i32) (param $bStep i32) (param $c i32) (param $ldc i32) (param $kc i32)
    (local $end i32) (local $r i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 4))))
    (local.set $r (local.get $c))
    (local.set $c00 (v128.load (local.get $r)))
    (local.set $c01 (v128.load offset=16 (local.get $r)))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (local.set $c10 (v128.load (local.get $r)))
    (local.set $c11 (v128.load offset=16 (local.get $r)))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (local.set $c20 (v128.load (local.get $r)))
    (local.set $c21 (v128.load offset=16 (local.get $r)))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (local.set $c30 (v128.load (local.get $r)))
    (local.set $c31 (v128.load offset=16 (local.get $r)))
    (block $done
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (loop $step
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=4 (local.get $a)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=8 (local.get $a)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=12 (local.get $a)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (br_if $step (i32.lt_u (local.get $a) (local.get $end)))))
    (local.set $r (local.get $c))
    (v128.store (local.get $r) (local.get $c00))
    (v128.store offset=16 (local.get $r) (local.get $c01))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c10))
    (v128.store offset=16 (local.get $r) (local.get $c11))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c20))
    (v128.store offset=16 (local.get $r) (local.get $c21))
    (local.set $r (i32.add (local.get $r) (local.get $ldc)))
    (v128.store (local.get $r) (local.get $c30))
    (v128.store offset=16 (local.get $r) (local.get $c31)))

  ;; C += A·Bᵀ over kc steps for mPanels panels of A (stride aStride) and nBlocks blocks of 8 columns
  ;; of a row-major B: C[4p + i, 8q + j] += Σ_k A_p[k·4 + i]·B[8q + k·bStep + j] (float32).
  (func (export "gemm32") (param $a i32) (param $aStride i32) (param $b i32) (param $bStep i32)
    (param $c i32) (param $ldc i32) (param $mPanels i32) (param $nBlocks i32) (param $kc i32)
    (local $p i32) (local $q i32) (local $cRow i32) (local $bp i32)
    (local.set $aStride (i32.shl (local.get $aStride) (i32.const 2)))
    (local.set $bStep (i32.shl (local.get $bStep) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $mPanels)) (i32.eqz (local.get $nBlocks))))
      (loop $rows
        (local.set $cRow (i32.add (local.get $c) (i32.mul (local.get $p) (i32.shl (local.get $ldc) (i32.const 2)))))
        (local.set $bp (local.get $b))
        (local.set $q (i32.const 0))
        (loop $cols
          (call $tile32 (local.get $a) (local.get $bp) (local.get $bStep)
            (i32.add (local.get $cRow) (i32.shl (local.get $q) (i32.const 5)))
            (local.get $ldc) (local.get $kc))
          (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $q) (local.get $nBlocks))))
        (local.set $a (i32.add (local.get $a) (local.get $aStride)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $p) (local.get $mPanels))))))

  ;; Packs `rows` float32 rows of length `depth` (row stride ld) into float32 panels at dst:
  ;; dst[(⌊r/4⌋·depth + k)·4 + r mod 4] = src[r·ld + k], rows up to a multiple of 4 zero.
  (func (export "pack32") (param $src i32) (param $rows i32) (param $depth i32) (param $ld i32) (param $dst i32)
    (local $r i32) (local $padded i32) (local $s i32) (local $d i32) (local $end i32)
    (local.set $padded (i32.and (i32.add (local.get $rows) (i32.const 3)) (i32.const -4)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $padded)) (i32.eqz (local.get $depth))))
      (loop $row
        (local.set $d (i32.add (local.get $dst)
          (i32.add (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (i32.shl (local.get $depth) (i32.const 4)))
                   (i32.shl (i32.and (local.get $r) (i32.const 3)) (i32.const 2)))))
        (local.set $end (i32.add (local.get $d) (i32.shl (local.get $depth) (i32.const 4))))
        (if (i32.lt_u (local.get $r) (local.get $rows))
          (then
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $ld)) (i32.const 2))))
            (loop $copy
              (f32.store (local.get $d) (f32.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (i32.const 4)))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (br_if $copy (i32.lt_u (local.get $d) (local.get $end)))))
          (else
            (loop $zero
              (f32.store (local.get $d) (f32.const 0))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (br_if $zero (i32.lt_u (local.get $d) (local.get $end))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $r) (local.get $padded))))))

;; Packs the transpose: `cols` float32 columns of a [depth × ld] matrix into float32 panels at
  ;; dst, dst[(⌊c/4⌋·depth + k)·4 + c mod 4] = src[k·ld + c], columns up to a multiple of 4 zero.
  (func (export "pack_t32") (param $src i32) (param $depth i32) (param $cols i32) (param $ld i32) (param $dst i32)
    (local $c i32) (local $k i32) (local $i i32) (local $s i32)
    (local.set $ld (i32.shl (local.get $ld) (i32.const 2)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $cols)) (i32.eqz (local.get $depth))))
      (loop $panel
        (local.set $s (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $k (i32.const 0))
        (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols))
          (then
            ;; NOTE: a full panel moves four columns with one 16-byte load and store.
            (loop $full
              (v128.store (local.get $dst) (v128.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $ld)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $full (i32.lt_u (local.get $k) (local.get $depth)))))
          (else
            (loop $edge
              (local.set $i (i32.const 0))
              (loop $lane
                (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                  (if (result f32) (i32.lt_u (i32.add (local.get $c) (local.get $i)) (local.get $cols))
                    (then (f32.load (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 2)))))
                    (else (f32.const 0))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $lane (i32.lt_u (local.get $i) (i32.const 4))))
              (local.set $s (i32.add (local.get $s) (local.get $ld)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $edge (i32.lt_u (local.get $k) (local.get $depth))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br_if $panel (i32.lt_u (local.get $c) (local.get $cols))))))

  ;; dst[i·di + j·dj] = src[i·si + j·sj] (float32) for i < m, j < n: a bias broadcast into the
  ;; accumulator (sj = 0), the accumulator stored into an output.
  (func (export "copy32") (param $src i32) (param $si i32) (param $sj i32) (param $dst i32) (param $di i32)
    (param $dj i32) (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $s i32) (local $d i32)
    (local.set $si (i32.shl (local.get $si) (i32.const 2)))
    (local.set $sj (i32.shl (local.get $sj) (i32.const 2)))
    (local.set $di (i32.shl (local.get $di) (i32.const 2)))
    (local.set $dj (i32.shl (local.get $dj) (i32.const 2)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))))
      (loop $row
        (local.set $s (local.get $src))
        (local.set $d (local.get $dst))
        (local.set $j (i32.const 0))
        (loop $col
          (f32.store (local.get $d) (f32.load (local.get $s)))
          (local.set $s (i32.add (local.get $s) (local.get $sj)))
          (local.set $d (i32.add (local.get $d) (local.get $dj)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $col (i32.lt_u (local.get $j) (local.get $n))))
        (local.set $src (i32.add (local.get $src) (local.get $si)))
        (local.set $dst (i32.add (local.get $dst) (local.get $di)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $i) (local.get $m))))))

  ;; ==== Semiring layer passes (dense) ==============================================================
  ;; The WebAssembly twins of the dense branches of src/kernels/semiring-linear.ts; the JavaScript
  ;; loops there are the plain twins (test/kernels/semiring-linear-wasm.test.ts). A separate block:
  ;; nothing above calls into it, and it calls nothing above.
  ;;
  ;; Operands: x f64 [rows][nIn] with a row stride in bytes (0: one row of ones for x = null),
  ;; w f32 [kc][nIn] (a block of W's rows, outputs k0 … k0 + kc − 1), per-output arrays f64
  ;; [rows][nOut] (live: u8), per-input accumulators f64 [rows][nIn]. Every value is computed as
  ;; the JavaScript loops compute it, in float64 with the same operations in the same order per
  ;; element (w promoted exactly from float32), and maxima are taken with pmax (a < b ? b : a, as
  ;; the loops' `if (v > max) max = v`), so the results are identical, not merely close.

  ;; max_j |x[j]·w[j]| over j < n, from 0 (x f64, w f32).
  (func $sr_max_abs_row (param $x i32) (param $w i32) (param $n i32) (result f64)
    (local $a v128) (local $b v128) (local $m f64) (local $v f64)
    (local.set $a (f64x2.splat (f64.const 0)))
    (local.set $b (f64x2.splat (f64.const 0)))
    (block $done
      (loop $four
        (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))
        (local.set $a (f64x2.pmax (local.get $a) (f64x2.abs (f64x2.mul (v128.load (local.get $x))
          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w)))))))
        (local.set $b (f64x2.pmax (local.get $b) (f64x2.abs (f64x2.mul (v128.load offset=16 (local.get $x))
          (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $w)))))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $four)))
    (local.set $a (f64x2.pmax (local.get $a) (local.get $b)))
    (local.set $m (f64x2.extract_lane 0 (local.get $a)))
    (local.set $v (f64x2.extract_lane 1 (local.get $a)))
    (if (f64.gt (local.get $v) (local.get $m)) (then (local.set $m (local.get $v))))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $v (f64.abs (f64.mul (f64.load (local.get $x)) (f64.promote_f32 (f32.load (local.get $w))))))
        (if (f64.gt (local.get $v) (local.get $m)) (then (local.set $m (local.get $v))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one)))
    (local.get $m))

  ;; m[r·nOut + k0 + k] = max_j |x[r, j]·w[k, j]| for the live outputs of rows r < rows, k < kc.
  (func (export "sr_max_abs_dense") (param $x i32) (param $xStride i32) (param $w i32) (param $live i32)
    (param $m i32) (param $rows i32) (param $nIn i32) (param $nOut i32) (param $k0 i32) (param $kc i32)
    (local $r i32) (local $k i32) (local $at i32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $kc))) (then (return)))
    (loop $row
      (local.set $k (i32.const 0))
      (loop $out
        (local.set $at (i32.add (i32.mul (local.get $r) (local.get $nOut)) (i32.add (local.get $k0) (local.get $k))))
        (if (i32.load8_u (i32.add (local.get $live) (local.get $at)))
          (then
            (f64.store (i32.add (local.get $m) (i32.shl (local.get $at) (i32.const 3)))
              (call $sr_max_abs_row
                (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xStride)))
                (i32.add (local.get $w) (i32.shl (i32.mul (local.get $k) (local.get $nIn)) (i32.const 2)))
                (local.get $nIn)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $out (i32.lt_u (local.get $k) (local.get $kc))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; acc[j] = pmax(acc[j], |w[j]|·s) for j < n (acc f64, w f32).
  (func $sr_max_times_row (param $acc i32) (param $w i32) (param $s f64) (param $n i32)
    (local $sv v128)
    (local.set $sv (f64x2.splat (local.get $s)))
    (block $done
      (loop $four
        (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))
        (v128.store (local.get $acc) (f64x2.pmax (v128.load (local.get $acc))
          (f64x2.mul (f64x2.abs (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w)))) (local.get $sv))))
        (v128.store offset=16 (local.get $acc) (f64x2.pmax (v128.load offset=16 (local.get $acc))
          (f64x2.mul (f64x2.abs (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $w)))) (local.get $sv))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 32)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (f64.store (local.get $acc) (call $sr_pmax (f64.load (local.get $acc))
          (f64.mul (f64.abs (f64.promote_f32 (f32.load (local.get $w)))) (local.get $s))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 8)))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; a < b ? b : a
  (func $sr_pmax (param $a f64) (param $b f64) (result f64)
    (select (local.get $b) (local.get $a) (f64.lt (local.get $a) (local.get $b))))

  ;; acc[r, j] = max(acc[r, j], max_k |w[k, j]|·s[r, k0 + k]) over k < kc with s > 0, rows r < rows.
  (func (export "sr_max_times_dense") (param $w i32) (param $s i32) (param $acc i32) (param $rows i32)
    (param $nIn i32) (param $nOut i32) (param $k0 i32) (param $kc i32)
    (local $r i32) (local $k i32) (local $sk f64)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $kc))) (then (return)))
    (loop $row
      (local.set $k (i32.const 0))
      (loop $out
        (local.set $sk (f64.load (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $nOut))
          (i32.add (local.get $k0) (local.get $k))) (i32.const 3)))))
        (if (f64.gt (local.get $sk) (f64.const 0))
          (then
            (call $sr_max_times_row
              (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $r) (local.get $nIn)) (i32.const 3)))
              (i32.add (local.get $w) (i32.shl (i32.mul (local.get $k) (local.get $nIn)) (i32.const 2)))
              (local.get $sk) (local.get $nIn))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $out (i32.lt_u (local.get $k) (local.get $kc))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; One output's threshold test over j < n: d = f·(x[j]·w[j]) (the caller folds σ into f:
  ;; f·(x·(σ·w)) = (σ·f)·(x·w) exactly, σ = ±1), tested d ≥ τ, or |d| ≥ τ when `absolute`;
  ;; where it passes, out[j] ← out[j] + r (`count`) or 1. Four loops, one per variant, so that the
  ;; inner loop tests nothing that is the same for every edge.
  (func $sr_threshold_row (param $x i32) (param $w i32) (param $out i32) (param $n i32)
    (param $f f64) (param $tau f64) (param $r f64) (param $mode i32)
    (local $fv v128) (local $tv v128) (local $rv v128) (local $one v128) (local $d v128) (local $o v128)
    (local $ds f64)
    (local.set $fv (f64x2.splat (local.get $f)))
    (local.set $tv (f64x2.splat (local.get $tau)))
    (local.set $rv (f64x2.splat (local.get $r)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (block $tail
      (block $absCount
        (block $absOr
          (block $count
            (block $or
              (br_table $or $count $absOr $absCount (local.get $mode)))
            ;; signed, OR
            (loop $two
              (br_if $tail (i32.lt_u (local.get $n) (i32.const 2)))
              (local.set $d (f64x2.mul (local.get $fv) (f64x2.mul (v128.load (local.get $x))
                (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w))))))
              (v128.store (local.get $out) (v128.bitselect (local.get $one) (v128.load (local.get $out))
                (f64x2.ge (local.get $d) (local.get $tv))))
              (local.set $x (i32.add (local.get $x) (i32.const 16)))
              (local.set $w (i32.add (local.get $w) (i32.const 8)))
              (local.set $out (i32.add (local.get $out) (i32.const 16)))
              (local.set $n (i32.sub (local.get $n) (i32.const 2)))
              (br $two)))
          ;; signed, count
          (loop $two
            (br_if $tail (i32.lt_u (local.get $n) (i32.const 2)))
            (local.set $d (f64x2.mul (local.get $fv) (f64x2.mul (v128.load (local.get $x))
              (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w))))))
            (local.set $o (v128.load (local.get $out)))
            (v128.store (local.get $out) (v128.bitselect (f64x2.add (local.get $o) (local.get $rv)) (local.get $o)
              (f64x2.ge (local.get $d) (local.get $tv))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $w (i32.add (local.get $w) (i32.const 8)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))
        ;; absolute, OR
        (loop $two
          (br_if $tail (i32.lt_u (local.get $n) (i32.const 2)))
          (local.set $d (f64x2.mul (local.get $fv) (f64x2.mul (v128.load (local.get $x))
            (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w))))))
          (v128.store (local.get $out) (v128.bitselect (local.get $one) (v128.load (local.get $out))
            (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $n (i32.sub (local.get $n) (i32.const 2)))
          (br $two)))
      ;; absolute, count
      (loop $two
        (br_if $tail (i32.lt_u (local.get $n) (i32.const 2)))
        (local.set $d (f64x2.mul (local.get $fv) (f64x2.mul (v128.load (local.get $x))
          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w))))))
        (local.set $o (v128.load (local.get $out)))
        (v128.store (local.get $out) (v128.bitselect (f64x2.add (local.get $o) (local.get $rv)) (local.get $o)
          (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 2)))
        (br $two)))
    ;; the last odd element
    (if (local.get $n)
      (then
        (local.set $ds (f64.mul (local.get $f) (f64.mul (f64.load (local.get $x)) (f64.promote_f32 (f32.load (local.get $w))))))
        (if (i32.ge_u (local.get $mode) (i32.const 2)) (then (local.set $ds (f64.abs (local.get $ds)))))
        (if (f64.ge (local.get $ds) (local.get $tau))
          (then
            (f64.store (local.get $out)
              (select (f64.add (f64.load (local.get $out)) (local.get $r)) (f64.const 1)
                (i32.and (local.get $mode) (i32.const 1)))))))))

  ;; The threshold pass over rows r < rows and outputs k < kc with R[r, k0 + k] ≠ 0: f = σ·factor,
  ;; mode = 2·absolute + count (see $sr_threshold_row).
  (func (export "sr_threshold_dense") (param $x i32) (param $xStride i32) (param $w i32) (param $factor i32)
    (param $R i32) (param $out i32) (param $rows i32) (param $nIn i32) (param $nOut i32) (param $k0 i32)
    (param $kc i32) (param $sign f64) (param $tau f64) (param $mode i32)
    (local $r i32) (local $k i32) (local $at i32) (local $rk f64)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $kc))) (then (return)))
    (loop $row
      (local.set $k (i32.const 0))
      (loop $outs
        (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $nOut)) (i32.add (local.get $k0) (local.get $k)))
          (i32.const 3)))
        (local.set $rk (f64.load (i32.add (local.get $R) (local.get $at))))
        (if (f64.ne (local.get $rk) (f64.const 0))
          (then
            (call $sr_threshold_row
              (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xStride)))
              (i32.add (local.get $w) (i32.shl (i32.mul (local.get $k) (local.get $nIn)) (i32.const 2)))
              (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r) (local.get $nIn)) (i32.const 3)))
              (local.get $nIn)
              (f64.mul (local.get $sign) (f64.load (i32.add (local.get $factor) (local.get $at))))
              (local.get $tau) (local.get $rk) (local.get $mode))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $outs (i32.lt_u (local.get $k) (local.get $kc))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; ==== Semiring layer passes (convolution) ========================================================
  ;; The convolution branches of semiring-linear.ts, in their order: per sample n, output channel
  ;; o, input channel of its group, kernel tap (u, v), output row y and column x, every edge
  ;; visited as the JavaScript loops visit it, so that even the count-additions happen in the same
  ;; order (identical sums, not merely close). Unit column strides run two columns per f64x2.
  ;;
  ;; geometry  i32 × 16 at `geo`: batch, channels, height, width, out channels, out height, out
  ;;           width, channels per group, out channels per group, kh, kw, stride y, stride x,
  ;;           dilation y, dilation x, pad top, pad left;
  ;; ranges    i32 at `rng`: [y0, y1) of every kernel row, then [x0, x1) of every kernel column;
  ;; w f32 [out channels][channels per group][kh][kw]; x, out f64 per input; a, f f64 per output.
  ;; mode      0: a ← max(a, |x·w|); 1: out ← max(out, |w|·a) (a = s); 2 … 5: the threshold test
  ;;           d = f·(x·(σ·w)) with a = R, 2 + 2·absolute + count (see $sr_threshold_row);
  ;;           σ and τ (f64) follow the geometry, at geo + 72 and geo + 80.

  ;; One output row of one tap: n columns, x and out `step` bytes apart, a and f 8 bytes apart;
  ;; c = w (mode 0), |w| (mode 1) or σ·w (threshold).
  (func $sr_conv_row (param $mode i32) (param $xp i32) (param $op i32) (param $ap i32) (param $fp i32)
    (param $n i32) (param $step i32) (param $c f64) (param $tau f64)
    (local $cv v128) (local $tv v128) (local $one v128) (local $zero v128) (local $o v128) (local $r v128)
    (local $d v128) (local $v f64) (local $rs f64) (local $ds f64)
    (if (i32.eq (local.get $step) (i32.const 8))
      (then
        (local.set $cv (f64x2.splat (local.get $c)))
        (local.set $tv (f64x2.splat (local.get $tau)))
        (local.set $one (f64x2.splat (f64.const 1)))
        (local.set $zero (f64x2.splat (f64.const 0)))
        ;; NOTE: one loop per mode, chosen once per row (the inner loop tests nothing else), four
        ;; columns per step, then two.
        (block $vdone
          (block $m5 (block $m4 (block $m3 (block $m2 (block $m1 (block $m0
            (br_table $m0 $m1 $m2 $m3 $m4 $m5 (local.get $mode)))
          ;; 0: a = pmax(a, |x·w|)
          (block $pairs
            (loop $four
              (br_if $pairs (i32.lt_u (local.get $n) (i32.const 4)))
            (v128.store (local.get $ap) (f64x2.pmax (v128.load (local.get $ap))
              (f64x2.abs (f64x2.mul (v128.load (local.get $xp)) (local.get $cv)))))
            (v128.store offset=16 (local.get $ap) (f64x2.pmax (v128.load offset=16 (local.get $ap))
              (f64x2.abs (f64x2.mul (v128.load offset=16 (local.get $xp)) (local.get $cv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $op (i32.add (local.get $op) (i32.const 32)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
              (br $four)))
          (loop $two
            (br_if $vdone (i32.lt_u (local.get $n) (i32.const 2)))
            (v128.store (local.get $ap) (f64x2.pmax (v128.load (local.get $ap))
              (f64x2.abs (f64x2.mul (v128.load (local.get $xp)) (local.get $cv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))
          ;; 1: out = pmax(out, |w|·s)
          (block $pairs
            (loop $four
              (br_if $pairs (i32.lt_u (local.get $n) (i32.const 4)))
            (v128.store (local.get $op) (f64x2.pmax (v128.load (local.get $op))
              (f64x2.mul (local.get $cv) (v128.load (local.get $ap)))))
            (v128.store offset=16 (local.get $op) (f64x2.pmax (v128.load offset=16 (local.get $op))
              (f64x2.mul (local.get $cv) (v128.load offset=16 (local.get $ap)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $op (i32.add (local.get $op) (i32.const 32)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
              (br $four)))
          (loop $two
            (br_if $vdone (i32.lt_u (local.get $n) (i32.const 2)))
            (v128.store (local.get $op) (f64x2.pmax (v128.load (local.get $op))
              (f64x2.mul (local.get $cv) (v128.load (local.get $ap)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))
          ;; 2: signed, OR
          (block $pairs
            (loop $four
              (br_if $pairs (i32.lt_u (local.get $n) (i32.const 4)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (v128.store (local.get $op) (v128.bitselect (local.get $one) (v128.load (local.get $op))
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (local.get $d) (local.get $tv)))))
            (local.set $r (v128.load offset=16 (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load offset=16 (local.get $fp)) (f64x2.mul (v128.load offset=16 (local.get $xp)) (local.get $cv))))
            (v128.store offset=16 (local.get $op) (v128.bitselect (local.get $one) (v128.load offset=16 (local.get $op))
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (local.get $d) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $op (i32.add (local.get $op) (i32.const 32)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
              (br $four)))
          (loop $two
            (br_if $vdone (i32.lt_u (local.get $n) (i32.const 2)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (v128.store (local.get $op) (v128.bitselect (local.get $one) (v128.load (local.get $op))
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (local.get $d) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))
          ;; 3: signed, count
          (block $pairs
            (loop $four
              (br_if $pairs (i32.lt_u (local.get $n) (i32.const 4)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (local.set $o (v128.load (local.get $op)))
            (v128.store (local.get $op) (v128.bitselect (f64x2.add (local.get $o) (local.get $r)) (local.get $o)
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (local.get $d) (local.get $tv)))))
            (local.set $r (v128.load offset=16 (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load offset=16 (local.get $fp)) (f64x2.mul (v128.load offset=16 (local.get $xp)) (local.get $cv))))
            (local.set $o (v128.load offset=16 (local.get $op)))
            (v128.store offset=16 (local.get $op) (v128.bitselect (f64x2.add (local.get $o) (local.get $r)) (local.get $o)
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (local.get $d) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $op (i32.add (local.get $op) (i32.const 32)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
              (br $four)))
          (loop $two
            (br_if $vdone (i32.lt_u (local.get $n) (i32.const 2)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (local.set $o (v128.load (local.get $op)))
            (v128.store (local.get $op) (v128.bitselect (f64x2.add (local.get $o) (local.get $r)) (local.get $o)
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (local.get $d) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))
          ;; 4: absolute, OR
          (block $pairs
            (loop $four
              (br_if $pairs (i32.lt_u (local.get $n) (i32.const 4)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (v128.store (local.get $op) (v128.bitselect (local.get $one) (v128.load (local.get $op))
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv)))))
            (local.set $r (v128.load offset=16 (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load offset=16 (local.get $fp)) (f64x2.mul (v128.load offset=16 (local.get $xp)) (local.get $cv))))
            (v128.store offset=16 (local.get $op) (v128.bitselect (local.get $one) (v128.load offset=16 (local.get $op))
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $op (i32.add (local.get $op) (i32.const 32)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
              (br $four)))
          (loop $two
            (br_if $vdone (i32.lt_u (local.get $n) (i32.const 2)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (v128.store (local.get $op) (v128.bitselect (local.get $one) (v128.load (local.get $op))
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two)))
          ;; 5: absolute, count
          (block $pairs
            (loop $four
              (br_if $pairs (i32.lt_u (local.get $n) (i32.const 4)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (local.set $o (v128.load (local.get $op)))
            (v128.store (local.get $op) (v128.bitselect (f64x2.add (local.get $o) (local.get $r)) (local.get $o)
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv)))))
            (local.set $r (v128.load offset=16 (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load offset=16 (local.get $fp)) (f64x2.mul (v128.load offset=16 (local.get $xp)) (local.get $cv))))
            (local.set $o (v128.load offset=16 (local.get $op)))
            (v128.store offset=16 (local.get $op) (v128.bitselect (f64x2.add (local.get $o) (local.get $r)) (local.get $o)
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (local.set $op (i32.add (local.get $op) (i32.const 32)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 32)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
              (br $four)))
          (loop $two
            (br_if $vdone (i32.lt_u (local.get $n) (i32.const 2)))
            (local.set $r (v128.load (local.get $ap)))
            (local.set $d (f64x2.mul (v128.load (local.get $fp)) (f64x2.mul (v128.load (local.get $xp)) (local.get $cv))))
            (local.set $o (v128.load (local.get $op)))
            (v128.store (local.get $op) (v128.bitselect (f64x2.add (local.get $o) (local.get $r)) (local.get $o)
              (v128.and (f64x2.ne (local.get $r) (local.get $zero)) (f64x2.ge (f64x2.abs (local.get $d)) (local.get $tv)))))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 2)))
            (br $two))
          )))
    ;; strided columns, and the last odd column
    (block $done
      (loop $one
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.eqz (local.get $mode))
          (then
            (local.set $v (f64.abs (f64.mul (f64.load (local.get $xp)) (local.get $c))))
            (if (f64.gt (local.get $v) (f64.load (local.get $ap))) (then (f64.store (local.get $ap) (local.get $v)))))
          (else
            (if (i32.eq (local.get $mode) (i32.const 1))
              (then
                (local.set $v (f64.mul (local.get $c) (f64.load (local.get $ap))))
                (if (f64.gt (local.get $v) (f64.load (local.get $op))) (then (f64.store (local.get $op) (local.get $v)))))
              (else
                (local.set $rs (f64.load (local.get $ap)))
                (local.set $ds (f64.mul (f64.load (local.get $fp)) (f64.mul (f64.load (local.get $xp)) (local.get $c))))
                (if (i32.ge_u (local.get $mode) (i32.const 4)) (then (local.set $ds (f64.abs (local.get $ds)))))
                (if (i32.and (f64.ne (local.get $rs) (f64.const 0)) (f64.ge (local.get $ds) (local.get $tau)))
                  (then
                    (f64.store (local.get $op)
                      (select (f64.add (f64.load (local.get $op)) (local.get $rs)) (f64.const 1)
                        (i32.and (local.get $mode) (i32.const 1))))))))))
        (local.set $xp (i32.add (local.get $xp) (local.get $step)))
        (local.set $op (i32.add (local.get $op) (local.get $step)))
        (local.set $ap (i32.add (local.get $ap) (i32.const 8)))
        (local.set $fp (i32.add (local.get $fp) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $one))))

  ;; Every tap of output channels lo … hi − 1 (mode 0) or of input channels lo … hi − 1 of each
  ;; group (modes 1 … 5), over the whole batch: two threads that take disjoint ranges write
  ;; disjoint outputs, each in the single thread's order. σ and τ are f64 at geo + 72 and geo + 80.
  (func (export "sr_conv") (param $geo i32) (param $rng i32) (param $w i32) (param $x i32) (param $a i32)
    (param $f i32) (param $out i32) (param $mode i32) (param $lo i32) (param $hi i32)
    (local $sign f64) (local $tau f64) (local $batch i32) (local $o0 i32) (local $o1 i32) (local $c0 i32) (local $c1 i32)
    (local $channels i32) (local $height i32) (local $width i32) (local $outChannels i32) (local $outHeight i32)
    (local $outWidth i32) (local $perGroup i32) (local $outPerGroup i32) (local $kh i32) (local $kw i32)
    (local $sy i32) (local $sx i32) (local $dy i32) (local $dx i32) (local $py i32) (local $px i32)
    (local $n i32) (local $o i32) (local $cg i32) (local $u i32) (local $v i32) (local $y i32)
    (local $xBase i32) (local $oBase i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $tapY i32) (local $tapX i32) (local $weight f64) (local $c f64) (local $inRow i32) (local $outRow i32)
    (local $plane i32) (local $outPlane i32) (local $widx i32)
    (local.set $channels (i32.load offset=4 (local.get $geo)))
    (local.set $height (i32.load offset=8 (local.get $geo)))
    (local.set $width (i32.load offset=12 (local.get $geo)))
    (local.set $outChannels (i32.load offset=16 (local.get $geo)))
    (local.set $outHeight (i32.load offset=20 (local.get $geo)))
    (local.set $outWidth (i32.load offset=24 (local.get $geo)))
    (local.set $perGroup (i32.load offset=28 (local.get $geo)))
    (local.set $outPerGroup (i32.load offset=32 (local.get $geo)))
    (local.set $kh (i32.load offset=36 (local.get $geo)))
    (local.set $kw (i32.load offset=40 (local.get $geo)))
    (local.set $sy (i32.load offset=44 (local.get $geo)))
    (local.set $sx (i32.load offset=48 (local.get $geo)))
    (local.set $dy (i32.load offset=52 (local.get $geo)))
    (local.set $dx (i32.load offset=56 (local.get $geo)))
    (local.set $py (i32.load offset=60 (local.get $geo)))
    (local.set $px (i32.load offset=64 (local.get $geo)))
    (local.set $plane (i32.mul (local.get $height) (local.get $width)))
    (local.set $outPlane (i32.mul (local.get $outHeight) (local.get $outWidth)))
    (local.set $batch (i32.load (local.get $geo)))
    (local.set $sign (f64.load offset=72 (local.get $geo)))
    (local.set $tau (f64.load offset=80 (local.get $geo)))
    (local.set $o1 (local.get $outChannels))
    (local.set $c1 (local.get $perGroup))
    (if (i32.eqz (local.get $mode))
      (then (local.set $o0 (local.get $lo)) (local.set $o1 (local.get $hi)))
      (else (local.set $c0 (local.get $lo)) (local.set $c1 (local.get $hi))))
    (if (i32.or (i32.ge_u (local.get $o0) (local.get $o1)) (i32.ge_u (local.get $c0) (local.get $c1)))
      (then (return)))
    (block $samples
      (loop $sample
        (br_if $samples (i32.ge_u (local.get $n) (local.get $batch)))
        (local.set $o (local.get $o0))
        (loop $outs
          (local.set $oBase (i32.mul (i32.add (i32.mul (local.get $n) (local.get $outChannels)) (local.get $o))
            (local.get $outPlane)))
          (local.set $cg (local.get $c0))
          (loop $ins
            (local.set $xBase (i32.mul (i32.add (i32.mul (local.get $n) (local.get $channels))
              (i32.add (i32.mul (i32.div_u (local.get $o) (local.get $outPerGroup)) (local.get $perGroup)) (local.get $cg)))
              (local.get $plane)))
            (local.set $u (i32.const 0))
            (loop $krow
              (local.set $y0 (i32.load (i32.add (local.get $rng) (i32.shl (local.get $u) (i32.const 3)))))
              (local.set $y1 (i32.load offset=4 (i32.add (local.get $rng) (i32.shl (local.get $u) (i32.const 3)))))
              (if (i32.lt_s (local.get $y0) (local.get $y1))
                (then
                  (local.set $tapY (i32.sub (i32.mul (local.get $u) (local.get $dy)) (local.get $py)))
                  (local.set $v (i32.const 0))
                  (loop $kcol
                    (local.set $x0 (i32.load (i32.add (local.get $rng)
                      (i32.shl (i32.add (local.get $kh) (local.get $v)) (i32.const 3)))))
                    (local.set $x1 (i32.load offset=4 (i32.add (local.get $rng)
                      (i32.shl (i32.add (local.get $kh) (local.get $v)) (i32.const 3)))))
                    (local.set $widx (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $o) (local.get $perGroup))
                      (local.get $cg)) (local.get $kh)) (local.get $u)) (local.get $kw)) (local.get $v)))
                    (local.set $weight (f64.promote_f32 (f32.load (i32.add (local.get $w) (i32.shl (local.get $widx) (i32.const 2))))))
                    (local.set $c (local.get $weight))
                    (if (i32.eq (local.get $mode) (i32.const 1)) (then (local.set $c (f64.abs (local.get $weight)))))
                    (if (i32.ge_u (local.get $mode) (i32.const 2)) (then (local.set $c (f64.mul (local.get $sign) (local.get $weight)))))
                    ;; the max-times pass skips taps of weight 0, as the JavaScript loop does
                    (if (i32.and (i32.lt_s (local.get $x0) (local.get $x1))
                                 (i32.or (i32.ne (local.get $mode) (i32.const 1)) (f64.ne (local.get $c) (f64.const 0))))
                      (then
                        (local.set $tapX (i32.sub (i32.mul (local.get $v) (local.get $dx)) (local.get $px)))
                        (local.set $y (local.get $y0))
                        (loop $rows
                          (local.set $inRow (i32.add (i32.add (local.get $xBase)
                            (i32.mul (i32.add (i32.mul (local.get $y) (local.get $sy)) (local.get $tapY)) (local.get $width)))
                            (i32.add (local.get $tapX) (i32.mul (local.get $x0) (local.get $sx)))))
                          (local.set $outRow (i32.add (i32.add (local.get $oBase) (i32.mul (local.get $y) (local.get $outWidth)))
                            (local.get $x0)))
                          (call $sr_conv_row (local.get $mode)
                            (i32.add (local.get $x) (i32.shl (local.get $inRow) (i32.const 3)))
                            (i32.add (local.get $out) (i32.shl (local.get $inRow) (i32.const 3)))
                            (i32.add (local.get $a) (i32.shl (local.get $outRow) (i32.const 3)))
                            (i32.add (local.get $f) (i32.shl (local.get $outRow) (i32.const 3)))
                            (i32.sub (local.get $x1) (local.get $x0))
                            (i32.shl (local.get $sx) (i32.const 3))
                            (local.get $c) (local.get $tau))
                          (local.set $y (i32.add (local.get $y) (i32.const 1)))
                          (br_if $rows (i32.lt_s (local.get $y) (local.get $y1))))))
                    (local.set $v (i32.add (local.get $v) (i32.const 1)))
                    (br_if $kcol (i32.lt_u (local.get $v) (local.get $kw))))))
              (local.set $u (i32.add (local.get $u) (i32.const 1)))
              (br_if $krow (i32.lt_u (local.get $u) (local.get $kh))))
            (local.set $cg (i32.add (local.get $cg) (i32.const 1)))
            (br_if $ins (i32.lt_u (local.get $cg) (local.get $c1))))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (br_if $outs (i32.lt_u (local.get $o) (local.get $o1))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $sample))))
)
