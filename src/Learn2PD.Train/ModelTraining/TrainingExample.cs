namespace Learn2PD.Train.ModelTraining;

/// <summary>One tokenized supervised pair: the prompt the model sees and the answer it must write.</summary>
public sealed record TrainingExample(int[] PromptIds, int[] AnswerIds);
