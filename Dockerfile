# The portal's image: gunicorn for the web, the same image for the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_DEPLOYMENT=production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN bash scripts/vendor.sh && apt-get update && bash scripts/fonts.sh /app/var/fonts && rm -rf /var/lib/apt/lists/* \
 && SECRET_KEY=build ALLOWED_HOSTS=build python manage.py compilemessages -v 0 --ignore=node_modules \
 && SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v 0 \
 && rm -rf node_modules
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
