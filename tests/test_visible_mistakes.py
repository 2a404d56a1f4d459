"""The visible tests catch the course's typical mistakes, each in a test of its own whose message names it.

Each case puts the reference solution, with one mistake written in, into a student's copy of the
exercise, runs its visible tests the way `autograder watch` does (a child forked from this warm
process, so no case pays the torch import), and expects the named test to fail with a message that
says what to fix. The mistakes are those issue 13 lists and those the exercise READMEs warn about.
"""

import pytest
import student_workspace

from autograder import catalog, i18n
from autograder.learning import watch
from autograder.learning.workspace import Workspace

MISTAKES = [
    (
        "07_maxpool",
        "return self.maxpool1(x.to(torch.float32))",
        "return self.maxpool1(x)",
        "test_net_pools_a_long_tensor_and_returns_float32",
        "x.to(torch.float32)",
    ),
    (
        "07_maxpool",
        "        if (out - 1) * stride >= size + padding:\n            out -= 1\n",
        "",
        "test_ceil_mode_drops_a_last_window_that_starts_in_the_padding",
        "drop a last window",
    ),
    (
        "10_losses",
        "return reduce((pred - target).abs(), reduction)",
        "return torch.tensor(reduce((pred - target).abs(), reduction).item())",
        "test_the_loss_keeps_the_graph_so_backward_reaches_the_inputs[l1_loss]",
        "torch.tensor(x.item())",
    ),
    (
        "11_optimizer_step",
        "    optimizer.zero_grad()\n    outputs = model(inputs)",
        "    outputs = model(inputs)",
        "test_train_step_clears_old_gradients_first",
        "optimizer.zero_grad()",
    ),
    (
        "11_optimizer_step",
        "running_loss += train_step(model, inputs, targets, loss_fn, optimizer)",
        "running_loss += torch.as_tensor(train_step(model, inputs, targets, loss_fn, optimizer))",
        "test_train_epoch_returns_a_python_float_not_a_tensor",
        "loss.item()",
    ),
    (
        "14_cifar10_training",
        "            optimizer.zero_grad()\n",
        "",
        "test_train_clears_the_gradients_before_every_step",
        "optimizer.zero_grad()",
    ),
    (
        "14_cifar10_training",
        "correct += (outputs.argmax(dim=1) == targets).sum().item()",
        "correct += (outputs.argmax(dim=1) == targets).sum()",
        "test_evaluate_returns_the_accuracy_as_a_python_float",
        ".sum().item()",
    ),
    (
        "18_mnist",
        "correct += (model(images).argmax(dim=1) == labels).sum().item()",
        "correct += (model(images).argmax(dim=1) == labels).sum()",
        "test_accuracy_is_a_python_float_not_a_tensor",
        ".sum().item()",
    ),
    (
        "15_inference",
        "index = output.argmax(1).item()",
        "index = output.argmax(1)",
        "test_predict_returns_the_index_as_a_python_int",
        ".item()",
    ),
    (
        "02_custom_dataset",
        "if name.lower().endswith(IMAGE_EXTENSIONS) and",
        "if not name.startswith('.') and",
        "test_files_that_are_not_images_are_skipped_not_only_dotfiles",
        "IMAGE_EXTENSIONS",
    ),
    (
        "06_conv_shapes",
        "return self.conv1(x)",
        "self.conv1(x)",
        "test_conv_net_returns_the_convolution_output",
        "forget `return`",
    ),
    (
        "09_sequential",
        "return self.model(x)",
        "self.model(x)",
        "test_net_maps_a_batch_of_64_images_to_64_by_10",
        "forget `return`",
    ),
    (
        "13_save_load",
        "    model.load_state_dict(torch.load(path, map_location=map_location, weights_only=True))\n"
        "    return model",
        "    model.load_state_dict(torch.load(path, map_location=map_location, weights_only=True))",
        "test_load_state_returns_the_model",
        "return the model itself",
    ),
    (
        "20_dropout_batchnorm",
        "return x * keep / (1 - p)",
        "return x * keep",
        "test_dropout_scales_the_kept_values_by_1_over_1_minus_p",
        "1 / (1 - p)",
    ),
    (
        "20_dropout_batchnorm",
        "keep = torch.rand_like(x) >= p",
        "keep = torch.rand_like(x) < p",
        "test_dropout_zeroes_about_p_of_the_values",
        "not of keeping it",
    ),
    (
        "20_dropout_batchnorm",
        "var = x.var(dim=dims, unbiased=False)",
        "var = x.var(dim=dims)",
        "test_batch_norm_normalizes_with_the_biased_batch_variance",
        "unbiased=False",
    ),
    (
        "20_dropout_batchnorm",
        "running_mean.mul_(1 - momentum).add_(momentum * mean)",
        "running_mean.mul_(momentum).add_((1 - momentum) * mean)",
        "test_batch_norm_updates_the_running_mean_in_place",
        "(1 - momentum) * running_mean + momentum * mean",
    ),
    (
        "20_dropout_batchnorm",
        "dims = [0] + list(range(2, x.dim()))",
        "dims = [0]",
        "test_batch_norm_normalizes_images_per_channel",
        "dims 0, 2 and 3",
    ),
    (
        "20_dropout_batchnorm",
        "    model.eval()\n    with torch.no_grad():",
        "    with torch.no_grad():",
        "test_predict_puts_the_model_in_eval_mode",
        "model.eval()",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def warm():
    watch.warm_up()


@pytest.mark.parametrize("exercise,old,new,test,phrase", MISTAKES, ids=[m[3] for m in MISTAKES])
def test_a_typical_mistake_fails_its_own_visible_test_with_a_message_naming_it(
    tmp_path, capfd, monkeypatch, exercise, old, new, test, phrase
):
    student_workspace.make(tmp_path, [exercise])
    student_workspace.solve(tmp_path, exercise, (old, new))
    monkeypatch.setattr(i18n, "_language", "en")
    monkeypatch.setenv("PYTEST_ADDOPTS", f"--basetemp={tmp_path / 'pytest-tmp'}")
    capfd.readouterr()
    code = watch.run_once(Workspace(tmp_path), catalog.get(exercise))
    output = capfd.readouterr().out
    assert code == 1, output[-3000:]
    assert f" {test} " in output, output[-3000:]
    section = output.split(f" {test} ", 1)[1].split("\n_____", 1)[0]
    assert phrase in section, section
