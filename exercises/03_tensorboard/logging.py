"""Exercise 03 · TensorBoard (TensorBoard 的使用).

A `SummaryWriter` writes event files that TensorBoard draws: scalars
(`add_scalar`), images (`add_images` for a whole batch), and a model's graph
(`add_graph`). `add_scalar(tag, scalar_value, global_step)` takes the value
first, then the step. Close the writer when you are done (`writer.close()`), as
the course warns, so that every event reaches the file. See the result with
`tensorboard --logdir=<log_dir>`.
"""

from torch.utils.tensorboard import SummaryWriter


def log_line(log_dir, tag="y=2x", n=100):
    """Write the course's line: the scalar y = 2x at step x, for x = 0, 1, ..., n - 1, under `tag`."""
    # Hint: A SummaryWriter writes one scalar per step; the course draws y = 2x for x = 0 ... n-1,
    #   then closes the writer.
    # 提示：SummaryWriter 每一步写一个标量；课程画的是 x = 0 … n-1 时的 y
    #   = 2x，最后关闭 writer。
    # More / 更多: autograder hint 03 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("log_line is not written yet / 尚未实现")


def log_images(log_dir, tag, images):
    """Write batches of images under `tag`: batch i at step i, as the course does with a DataLoader.

    `images` is a sequence of batches, each a float tensor (N, C, H, W) with values in [0, 1].
    """
    # Hint: Each element of images is a whole batch: write batch i at step i.
    # 提示：images 的每个元素是一整个 batch：第 i 个 batch 写在第 i 步。
    # More / 更多: autograder hint 03 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("log_images is not written yet / 尚未实现")


def log_graph(log_dir, model, example_input):
    """Write the graph of `model`, traced on `example_input`."""
    # Hint: TensorBoard draws a model's structure by tracing one forward pass on an example input.
    # 提示：TensorBoard 通过在示例输入上跑一次前向传播来画出模型结构。
    # More / 更多: autograder hint 03 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("log_graph is not written yet / 尚未实现")
