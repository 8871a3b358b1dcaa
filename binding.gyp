{
  "targets": [
    {
      "target_name": "tessera_native",
      "sources": [
        "native/src/addon.c",
        "native/src/cpu.c",
        "native/src/pool.c",
        "native/src/heap.c",
        "native/src/gemm.c",
        "native/src/gemm-isa.c",
        "native/src/ladder.c",
        "native/src/nd.c",
        "native/src/elementwise.c",
        "native/src/rows-util.c",
        "native/src/rows.c",
        "native/src/stream-store.c",
        "native/src/norm.c",
        "native/src/index.c",
        "native/src/adamw.c",
        "native/src/attention-util.c",
        "native/src/attention-blocks.c",
        "native/src/attention-fwd.c",
        "native/src/attention-bwd.c",
        "native/src/attention-addon.c"
      ],
      "cflags": ["-std=c11", "-O3", "-fno-math-errno", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Wno-unused-function"],
      "cflags!": ["-O2", "-O0"],
      "ldflags": ["-lpthread", "-lm"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=c11", "-O3", "-fno-math-errno", "-ffp-contract=off"]
      }
    }
  ]
}
