using Learn2PD.Core.Decoding;

namespace Learn2PD.Serve;

/// <summary>
/// How a request is decoded: the method (policy and its τ or τ_f, EoTP, cache) and the sampler
/// settings (generation length in whole blocks, block length). Requests with equal settings can share
/// one <see cref="BlockDecoder.Decode"/> call; this record is the batching key.
/// </summary>
public sealed record DecodeSettings(DecodingMethod Method, DecodeOptions Options);
