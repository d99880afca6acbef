from celery import shared_task
from django.utils import timezone

from ilag.models import WorkerHeartbeat


@shared_task(name="ilag.tasks.worker_heartbeat", acks_late=True, soft_time_limit=10, time_limit=20)
def worker_heartbeat(hostname: str | None = None) -> str:
    """Record that a worker is alive; running it twice only moves the time forward."""
    name = hostname or worker_heartbeat.request.hostname or "in-process"
    WorkerHeartbeat.objects.update_or_create(hostname=name, defaults={"last_seen": timezone.now()})
    return name
