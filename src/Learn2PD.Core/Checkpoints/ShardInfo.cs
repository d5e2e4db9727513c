namespace Learn2PD.Core.Checkpoints;

/// <summary>One safetensors file of a model directory, whether or not it is on disk yet.</summary>
/// <param name="FileName">The name the index gives, e.g. <c>model-00001-of-00006.safetensors</c>.</param>
/// <param name="Path">Its full path inside the model directory.</param>
/// <param name="Exists">Whether the file is present.</param>
/// <param name="FileSize">Its size in bytes; null when missing.</param>
/// <param name="TensorCount">How many tensors the index (or the file's header) places in it.</param>
public sealed record ShardInfo(string FileName, string Path, bool Exists, long? FileSize, int TensorCount);
