"""The word-of-mouth commerce model: params, state, rules, kernel, shopper, brand, traits.

docs/model.md describes the model and docs/calibration.md how its defaults were set.
"""
