"""Digital-transformation models and good practices (mô hình, cách làm hay): proposals, review, evaluation, the public library."""
