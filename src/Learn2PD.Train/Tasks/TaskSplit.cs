namespace Learn2PD.Train.Tasks;

/// <summary>Which split a problem belongs to; decided by a stable hash of its question, never by draw order.</summary>
public enum TaskSplit
{
    Train,
    Validation,
    Test,
}
