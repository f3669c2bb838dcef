# Production image: the same code for web (gunicorn), worker and beat.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --system --uid 10001 --home /app tracker
COPY pyproject.toml README.md ./
COPY hostage_tracker ./hostage_tracker
COPY core ./core
COPY partners ./partners
COPY cases ./cases
COPY alerts ./alerts
RUN pip install .
COPY manage.py ./
COPY templates ./templates
COPY static ./static
# collectstatic needs settings but no database or real secret.
RUN DEBUG=false SECRET_KEY=collectstatic-only-collectstatic-only-collectstatic-only-0123 \
    python manage.py collectstatic --no-input -v0
USER tracker
EXPOSE 8000
CMD ["gunicorn", "hostage_tracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
