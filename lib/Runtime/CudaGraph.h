//===- CudaGraph.h - Captured, instantiated CUDA graphs ---------*- C++ -*-===//
//
// Records what a callback enqueues on a stream into a graph and instantiates
// it, so repeated launches (a decode step's kernels) cost one cuGraphLaunch.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_RUNTIME_CUDAGRAPH_H
#define QUANT4_RUNTIME_CUDAGRAPH_H

#include "Runtime/CudaStream.h"

#include <functional>

namespace quant4::runtime {

class Graph {
public:
  /// Captures the work `enqueue` puts on `stream` (nothing runs yet). A
  /// failure of `enqueue` ends the capture and is returned.
  static Expected<Graph> capture(const Stream &stream,
                                 const std::function<Status()> &enqueue);

  /// Enqueues one replay of the graph on `stream`.
  Status launch(const Stream &stream) const;

private:
  Graph(Owned<cuda::CUgraph> graph, Owned<cuda::CUgraphExec> exec)
      : graph_(std::move(graph)), exec_(std::move(exec)) {}
  Owned<cuda::CUgraph> graph_;
  Owned<cuda::CUgraphExec> exec_;
};

} // namespace quant4::runtime

#endif // QUANT4_RUNTIME_CUDAGRAPH_H
