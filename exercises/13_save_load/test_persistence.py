"""Visible tests for exercise 13 (save and load). Run: pytest exercises/13_save_load"""

import torch
from torch import nn

from autograder.i18n import tr


def same_parameters(a, b):
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


def test_whole_model_round_trip(persistence, tmp_path):
    model = nn.Linear(3, 2)
    persistence.save_full(model, tmp_path / "full.pth")
    loaded = persistence.load_full(tmp_path / "full.pth")
    assert isinstance(loaded, nn.Linear) and same_parameters(model, loaded)


def test_state_dict_round_trip(persistence, tmp_path):
    model = nn.Linear(3, 2)
    persistence.save_state(model, tmp_path / "state.pth")
    assert set(torch.load(tmp_path / "state.pth")) == {"weight", "bias"}
    fresh = nn.Linear(3, 2)
    persistence.load_state(fresh, tmp_path / "state.pth")
    assert same_parameters(model, fresh)


def test_checkpoint_round_trip(persistence, tmp_path):
    model = nn.Linear(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(4, 3)).sum().backward()
    optimizer.step()
    persistence.save_checkpoint(tmp_path / "ckpt.pth", model, optimizer, epoch=3, loss=0.25)
    fresh = nn.Linear(3, 2)
    fresh_optimizer = torch.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9)
    info = persistence.load_checkpoint(tmp_path / "ckpt.pth", fresh, fresh_optimizer)
    assert info["epoch"] == 3 and info["loss"] == 0.25
    assert same_parameters(model, fresh)
    assert fresh_optimizer.state_dict()["state"], "the optimizer's momentum was not restored"


def test_load_state_returns_the_model(persistence, tmp_path):
    model = nn.Linear(3, 2)
    persistence.save_state(model, tmp_path / "state.pth")
    fresh = nn.Linear(3, 2)
    returned = persistence.load_state(fresh, tmp_path / "state.pth")
    assert returned is fresh, tr(
        f"load_state returned {type(returned).__name__}: model.load_state_dict(...) returns a report of the "
        f"keys, not the model; return the model itself",
        f"load_state 返回了 {type(returned).__name__}：model.load_state_dict(...) 返回的是键的报告，不是模"
        f"型；请返回模型本身",
    )
