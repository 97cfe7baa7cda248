#!/usr/bin/env python
# coding: utf-8
# Sheet 03 as `jupyter nbconvert --to script` (JupyterLab's "Download as Python") writes a notebook: `# In[ ]:`
# markers, and every magic as a get_ipython() call (`run_cell_magic('capture' | 'time' | 'writefile', ...)`,
# `.system('pip ...')`), meant for `ipython file.py`. Style source: jupyter/nbconvert
# `share/templates/python/index.py.j2` (the script exporter), applied to tests/corpus/correct/nb_time_capture_writefile.ipynb.
# Correct: the magics do what they do in the notebook (the %%time/%%capture bodies run, %%writefile writes).

# # Sheet 03
# 
# Timings and a training script written out with `%%writefile`.

# In[1]:


get_ipython().run_cell_magic('capture', '', '!pip install -q torchinfo\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n')


# In[2]:


get_ipython().run_cell_magic('time', '', 'class Model1(nn.Module):\n    def __init__(self, g, f):\n        super().__init__()\n        self.g, self.f = g, f\n\n    def forward(self, x):\n        z = x + torch.randn_like(x)\n        return self.f(self.g(z))\n\n\nclass Model2(nn.Module):\n    def __init__(self, g, f):\n        super().__init__()\n        self.g, self.f = g, f\n\n    def forward(self, x):\n        h = self.g(x)\n        return self.f(h + torch.randn_like(h))\n\n\nclass Model3(nn.Module):\n    def __init__(self, g, f):\n        super().__init__()\n        self.g, self.f = g, f\n\n    def forward(self, x):\n        h = self.g(x)\n        z = torch.randn_like(h)\n        return self.f(h + z)\n')


# In[3]:


get_ipython().run_cell_magic('writefile', 'train_vae.py', "# launched with `python train_vae.py` on the cluster, not from the notebook\nimport lightning as L\nimport torch\nfrom torch import nn\n\nModel3 = None  # the script builds its own model\nREPARAM_NEEDED = {}\n\nif __name__ == '__main__':\n    L.Trainer(max_epochs=10).fit(...)\n")


# In[4]:


get_ipython().run_cell_magic('capture', 'cap', 'REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}\n\nJUSTIFICATIONS = {\n    "model1": "No. z ~ N(x, I) has no learnable parameters; for the drawn z the loss is differentiable in lambda and psi.",\n    "model2": "Yes. The mean of z is h = g_lambda(x); write z = h + eps, eps ~ N(0, I), to backpropagate into lambda.",\n    "model3": "No. z ~ N(0, I) is independent of the parameters, f(h + z) is already differentiable in h.",\n    "problem2": "Yes. The variance depends on lambda; z = sqrt(softplus(h)) * eps with eps ~ N(0, I).",\n}\nprint(\'answers set\')\n')


# In[5]:


get_ipython().run_cell_magic('time', '', 'PROBLEM2_ISSUE = ("h = g(x) is the output of a linear layer, so it can be negative or zero, but diag(h) must be a "\n                  "covariance matrix with strictly positive diagonal. Fix: use softplus(h) as the variance.")\n\n\nclass Problem2Model(nn.Module):\n    def __init__(self, g, f):\n        super().__init__()\n        self.g, self.f = g, f\n\n    def variance(self, h):\n        return F.softplus(h)\n\n    def forward(self, x):\n        h = self.g(x)\n        return self.f(self.variance(h).sqrt() * torch.randn_like(h))\n')


# In[6]:


get_ipython().run_cell_magic('capture', '', 'def optimal_discriminator(p_star, p_theta):\n    return p_star / (p_star + p_theta)\n\n\nD_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}\n')


# In[7]:


get_ipython().run_cell_magic('writefile', 'notes.md', 'D*(x) = p*(x) / (p*(x) + p_theta(x)); see PROOF_3A below.\n')


# In[8]:


PROOF_3A = """Change variables x = f_theta(z) in the second expectation: L = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx.
The integrand is maximised for every x separately; with a = p*(x), b = p_theta(x) the hint gives D(x) = a / (a + b),
which is D_phi*. So phi* maximises L."""

