"""GAE by hand, and DQN / PPO must-learn on the identity env; same seed → same result."""
import numpy as np
import pytest
import torch

from deepdojo.rl.common import evaluate_policy, greedy_actor
from deepdojo.rl.dqn import DQNConfig, train_dqn
from deepdojo.rl.envs import IDENTITY_ID, IdentityEnv
from deepdojo.rl.ppo import PPOConfig, compute_gae, train_ppo


def test_gae_by_hand():
    g, lam = 0.9, 0.5
    r = torch.tensor([[1.0], [0.0], [2.0]])
    v = torch.tensor([[0.5], [1.0], [0.2]])
    nv = torch.tensor([[1.0], [0.0], [0.3]])  # step 1 terminated: next value 0
    d = torch.tensor([[0.0], [1.0], [0.0]])
    adv, ret = compute_gae(r, v, nv, d, g, lam)
    d2 = 2.0 + g * 0.3 - 0.2
    d1 = 0.0 + 0.0 - 1.0  # terminal: no flow from step 2
    d0 = 1.0 + g * 1.0 - 0.5
    expected = [d0 + g * lam * d1, d1, d2]
    assert adv[:, 0].tolist() == pytest.approx(expected)
    assert ret[:, 0].tolist() == pytest.approx([e + x for e, x in zip(expected, [0.5, 1.0, 0.2])])


def _score(net, encoder):
    return evaluate_policy(greedy_actor(net, encoder, IdentityEnv().observation_space), IDENTITY_ID, 10).mean()


def test_ppo_learns_identity_and_is_deterministic():
    cfg = PPOConfig(env_id=IDENTITY_ID, total_steps=3072, n_envs=4, n_steps=64, hidden=(32,), lr=3e-3, n_epochs=4,
                    n_minibatches=2, gamma=0.5, ent_coef=0.0)
    agent, enc, rets = train_ppo(cfg, seed=1)
    assert _score(agent, enc) >= 9.5  # random: 2.5 of 10
    _, _, rets2 = train_ppo(cfg, seed=1)
    assert rets == rets2


def test_dqn_learns_identity_and_is_deterministic():
    cfg = DQNConfig(env_id=IDENTITY_ID, total_steps=1500, hidden=(32,), lr=3e-3, gamma=0.5, learning_starts=100,
                    batch_size=32, target_update=100, eps_decay_steps=750)
    res = train_dqn(cfg, seed=2)
    assert _score(res.qnet, res.encoder) >= 9.5
    res2 = train_dqn(cfg, seed=2)
    assert res.returns == res2.returns


def test_gsurma_style_dqn_runs_without_target_network():
    cfg = DQNConfig(total_steps=200, hidden=(8,), learning_starts=20, batch_size=20, target_update=0,
                    eps_schedule="exp", eps_factor=0.9, loss="mse", terminal_reward=-1.0)
    res = train_dqn(cfg, seed=0)
    assert res.steps == 200 and len(res.returns) >= 1


def test_ppo_handles_termination_on_the_time_limit_step():
    # the bear can get home exactly at step 25: terminated and truncated together, nothing to bootstrap
    from deepdojo.rl.envs import BEAR_ID

    cfg = PPOConfig(env_id=BEAR_ID, total_steps=2000, n_envs=4, n_steps=50, hidden=(16,), n_epochs=1)
    agent, enc, rets = train_ppo(cfg, seed=0)
    assert len(rets) >= 4 and all(np.isfinite(rets))


@pytest.mark.parametrize("clip,kl_coef,ent_coef", [(0.2, 0.0, 0.0), (0.0, 0.3, 0.0), (0.1, 0.0, 0.05)])
def test_hand_written_ppo_gradients_match_autograd(clip, kl_coef, ent_coef):
    from deepdojo.rl.ppo import ActorCritic, ppo_gradients

    torch.manual_seed(0)
    agent = ActorCritic(5, 3, (16, 8))
    for p in agent.parameters():  # move off the tiny-output init so that every term matters
        p.data += 0.3 * torch.randn_like(p)
    B = 40
    obs, actions = torch.randn(B, 5), torch.randint(0, 3, (B,))
    old_logp, adv, returns = -1.1 + 0.5 * torch.randn(B), torch.randn(B), torch.randn(B)
    stats = ppo_gradients(agent, obs, actions, old_logp, adv, returns, clip=clip, kl_coef=kl_coef, ent_coef=ent_coef,
                          vf_coef=0.7)
    ours = [p.grad.clone() for p in agent.parameters()]
    # the same loss written plainly, differentiated by autograd
    agent.zero_grad()
    log_probs = torch.log_softmax(agent(obs), -1)
    log_ratio = log_probs.gather(1, actions[:, None]).squeeze(1) - old_logp
    ratio = log_ratio.exp()
    pg = -torch.min(ratio * adv, ratio.clamp(1 - clip, 1 + clip) * adv).mean() if clip else -(ratio * adv).mean()
    entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
    v_loss = 0.5 * (agent.value(obs) - returns).pow(2).mean()
    loss = pg + kl_coef * ((ratio - 1) - log_ratio).mean() + 0.7 * v_loss - ent_coef * entropy
    loss.backward()
    assert clip == 0 or 0 < ((ratio - 1).abs() > clip).float().mean() < 1  # both branches of min() exercised
    for g, p in zip(ours, agent.parameters()):
        torch.testing.assert_close(g, p.grad, rtol=1e-4, atol=1e-6)
    assert stats["losses/policy_loss"].item() == pytest.approx(pg.item(), rel=1e-5)
    assert stats["losses/entropy"].item() == pytest.approx(entropy.item(), rel=1e-5)
    assert stats["losses/value_loss"].item() == pytest.approx(v_loss.item(), rel=1e-5)


@pytest.mark.parametrize("fused_kernel", [True, False], ids=["fused", "public-fallback"])
def test_tiny_adam_matches_torch_adam(fused_kernel, monkeypatch):
    from deepdojo.rl.common import TinyAdam

    if not fused_kernel:  # an older torch without the private kernel falls back to torch.optim.Adam
        monkeypatch.delattr(torch, "_fused_adam_")

    torch.manual_seed(0)
    a, b = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    b.load_state_dict(a.state_dict())
    ours, ref = TinyAdam(a.parameters(), lr=0.01, eps=1e-5), torch.optim.Adam(b.parameters(), lr=0.01, eps=1e-5)
    for _ in range(5):
        x = torch.randn(8, 3)
        for net, opt in ((a, ours), (b, ref)):
            opt.zero_grad()
            net(x).pow(2).sum().backward()
            opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q)
    for max_norm in (1e-3, 1e3):  # clipping active, then not
        for net in (a, b):
            net.zero_grad()
            net(torch.randn(8, 3)).pow(2).sum().backward()
        ref_a = [p.grad.clone() for p in a.parameters()]
        before = torch.nn.utils.clip_grad_norm_(b.parameters(), max_norm)  # reference on b, same grads shape
        ours_norm = ours.clip_grad_norm(max_norm)
        assert ours_norm.item() == pytest.approx(torch.linalg.vector_norm(torch.stack([g.norm() for g in ref_a])).item())
        scale = min(1.0, max_norm / (ours_norm.item() + 1e-6))
        for p, g in zip(a.parameters(), ref_a):
            torch.testing.assert_close(p.grad, g * scale)
        assert before.item() > 0
    with pytest.raises(RuntimeError, match="no gradient"):
        ours.zero_grad()
        ours.step()
