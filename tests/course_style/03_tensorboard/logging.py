"""03 written the way the course writes it: `writer = SummaryWriter("logs")` then `writer.close()` at the
end ("千万别忘记close"), `add_scalar("y=2x", 2*i, i)` in a `for i in range(...)` loop, `add_images` with a
`step` counter incremented after each batch as in the DataLoader lesson, and `add_graph` before closing."""
from torch.utils.tensorboard import SummaryWriter


def log_line(log_dir, tag="y=2x", n=100):
    writer = SummaryWriter(log_dir)
    for i in range(n):
        writer.add_scalar(tag, 2 * i, i)
    writer.close()


def log_images(log_dir, tag, images):
    writer = SummaryWriter(log_dir)
    step = 0
    for imgs in images:
        writer.add_images(tag, imgs, step)
        step = step + 1
    writer.close()


def log_graph(log_dir, model, example_input):
    writer = SummaryWriter(log_dir)
    writer.add_graph(model, example_input)
    writer.close()
