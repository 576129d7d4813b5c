;; spin: a runaway guest. It loops forever without calling the host, so only the sandbox's
;; wall-clock deadline (epoch interruption) or a fuel budget can stop it.
;;
;; Valid, import-free and non-recursive, so the Guardian admits it: stopping it is the sandbox's
;; job. Expected: `nmp exec spin.wasm --data DIR --timeout-ms 500` exits 5 ("timed out").
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever
      (br $forever))))
