;; kib: the benchmark guest. Writes exactly 1 KiB of JSON to stdout and exits:
;;   {"bench":"aaaa...a"}\n   (10 + 1011 + 3 bytes)
;; Imports only wasi_snapshot_preview1.fd_write; no input, no data access, no recursion, so a
;; request's cost is the protocol around it: envelope, Guardian, cached instantiate, egress
;; filter over 1 KiB, receipt, sealed response.
;;
;; Memory map:
;;   0..8        iovec for fd_write {buf = 16, len = 1024}
;;   8..12       bytes written
;;   16..1040    the output
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1 1)

  (data (i32.const 16) "{\"bench\":\"")

  (func $_start (export "_start")
    (memory.fill (i32.const 26) (i32.const 0x61) (i32.const 1011))
    ;; '"' then '}' (little-endian 0x7d22), then a newline
    (i32.store16 (i32.const 1037) (i32.const 0x7d22))
    (i32.store8 (i32.const 1039) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 1024))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
