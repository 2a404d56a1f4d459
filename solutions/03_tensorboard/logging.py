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
    ### BEGIN SOLUTION
    writer = SummaryWriter(log_dir)
    for x in range(n):
        writer.add_scalar(tag, 2 * x, x)
    writer.close()
    ### END SOLUTION


def log_images(log_dir, tag, images):
    """Write batches of images under `tag`: batch i at step i, as the course does with a DataLoader.

    `images` is a sequence of batches, each a float tensor (N, C, H, W) with values in [0, 1].
    """
    ### BEGIN SOLUTION
    writer = SummaryWriter(log_dir)
    for step, batch in enumerate(images):
        writer.add_images(tag, batch, step)
    writer.close()
    ### END SOLUTION


def log_graph(log_dir, model, example_input):
    """Write the graph of `model`, traced on `example_input`."""
    ### BEGIN SOLUTION
    with SummaryWriter(log_dir) as writer:
        writer.add_graph(model, example_input)
    ### END SOLUTION
