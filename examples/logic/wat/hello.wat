;; hello: the smallest useful NMP guest, written by hand.
;;
;; Reads all of stdin and writes {"hello":N} (and a newline), N being the number of bytes read.
;; Imports only wasi_snapshot_preview1.fd_read and fd_write; exports _start and memory.
;; MVP instructions only, no recursion, one 64 KiB page of memory.
;;
;; Memory map:
;;   0..8        iovec for fd_read  {buf = 1024, len = 4096}
;;   8..16       iovec for fd_write {buf, len}
;;   16..20      bytes read / written by the last call
;;   32..41      the prefix {"hello":
;;   64..122     output text, built right to left, ending with "}\n" at 120
;;   1024..5120  stdin scratch buffer
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  (data (i32.const 32) "{\"hello\":")
  (data (i32.const 120) "}\n")

  (func $_start (export "_start")
    (local $total i64)
    (local $pos i32)
    (local $n i64)

    ;; count stdin bytes: fd_read into the scratch buffer until end of input or an error
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 4096))
    (block $done
      (loop $more
        (br_if $done (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
        (br_if $done (i32.eqz (i32.load (i32.const 16))))
        (local.set $total
          (i64.add (local.get $total) (i64.extend_i32_u (i32.load (i32.const 16)))))
        (br $more)))

    ;; the decimal digits of $total, right to left, just before "}\n"
    (local.set $pos (i32.const 120))
    (local.set $n (local.get $total))
    (loop $digit
      (local.set $pos (i32.sub (local.get $pos) (i32.const 1)))
      (i32.store8 (local.get $pos)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $n) (i64.const 0))))

    ;; the 9-byte prefix in front of the digits
    (local.set $pos (i32.sub (local.get $pos) (i32.const 9)))
    (i64.store (local.get $pos) (i64.load (i32.const 32)))
    (i32.store8 offset=8 (local.get $pos) (i32.load8_u (i32.const 40)))

    ;; write [pos, 122) to stdout, retrying short writes, stopping on an error
    (i32.store (i32.const 8) (local.get $pos))
    (i32.store (i32.const 12) (i32.sub (i32.const 122) (local.get $pos)))
    (block $written
      (loop $again
        (br_if $written (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))
        (br_if $written (i32.eqz (i32.load (i32.const 16))))
        (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.load (i32.const 16))))
        (i32.store (i32.const 12) (i32.sub (i32.load (i32.const 12)) (i32.load (i32.const 16))))
        (br_if $again (i32.ne (i32.load (i32.const 12)) (i32.const 0))))))
)
