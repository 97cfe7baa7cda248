"""What grading writes: results.json per submission, stored observations, the gradebook."""
