/** The ONNX graph builder, serialization, session runner and autodiff (see ./graph). */
export * from "./dtype";
export * from "./shape";
export * from "./graph";
export * from "./serialize";
export * from "./tensor";
export * from "./session";
export * from "./unbroadcast";
export * from "./gradients";
export * from "./autodiff";
export * from "./gradcheck";
