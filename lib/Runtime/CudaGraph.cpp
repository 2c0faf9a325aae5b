//===- CudaGraph.cpp - Captured, instantiated CUDA graphs -----------------===//

#include "Runtime/CudaGraph.h"

namespace quant4::runtime {

using namespace cuda;

Expected<Graph> Graph::capture(const Stream &stream,
                               const std::function<Status()> &enqueue) {
  const ContextRef &context = stream.context();
  const CudaDriver &d = context->driver();
  if (Status s = d.check(d.streamBeginCapture(
                             stream.get(), CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                         "cuStreamBeginCapture");
      !s)
    return s;
  Status enqueued = enqueue();
  CUgraph rawGraph = nullptr;
  Status ended = d.check(d.streamEndCapture(stream.get(), &rawGraph),
                         "cuStreamEndCapture");
  Owned<CUgraph> graph(context, rawGraph, &CudaDriver::graphDestroy);
  if (!enqueued)
    return enqueued;
  if (!ended)
    return ended;
  CUgraphExec exec = nullptr;
  if (Status s =
          d.check(d.graphInstantiate(&exec, rawGraph, 0), "cuGraphInstantiate");
      !s)
    return s;
  return Graph(
      std::move(graph),
      Owned<CUgraphExec>(context, exec, &CudaDriver::graphExecDestroy));
}

Status Graph::launch(const Stream &stream) const {
  const CudaDriver &d = exec_.driver();
  return d.check(d.graphLaunch(exec_.get(), stream.get()), "cuGraphLaunch");
}

} // namespace quant4::runtime
